#include "study/compile_variant.hpp"

#include <fmt/format.h>

#include "compiler/driver/cnn_source.hpp"
#include "compiler/ir/verifier.hpp"
#include "compiler/support/error.hpp"
#include "study/data_dir.hpp"

namespace neurokv::study {
namespace {

// A program the verifier rejects is a compiler bug.
void check_compiled(const ir::Program& program) {
  const std::vector<std::string> problems = ir::verify_program(program);
  if (!problems.empty())
    throw RunError(fmt::format("the compiled program does not verify: {}", problems.front()));
}

}  // namespace

CompileResult compile_variant(const Study& study, const std::string& variants,
                              const std::set<std::string>& print_after, std::vector<PassText>& texts) {
  if (study.variants.size() != 1) {
    throw InputError(
        fmt::format("--variant: compile takes one variant, got {} ('{}')", study.variants.size(), variants));
  }
  CompileResult result =
      compile(study.model, study.variants.front(), study.hw, study.compile, print_after, texts);
  check_compiled(result.program);
  return result;
}

CompileResult compile_cnn_model(const std::string& model, const std::string& hw, const std::string& map_mode,
                                const std::set<std::string>& print_after, std::vector<PassText>& texts) {
  const CnnSource source = load_cnn_source(model, data_dir("models"));
  CompileResult result =
      compile_cnn(source.spec, load_hw(hw, data_dir("hwconfigs")), map_mode, print_after, texts);
  check_compiled(result.program);
  result.diagnostics.insert(result.diagnostics.begin(), source.diagnostics.begin(), source.diagnostics.end());
  return result;
}

}  // namespace neurokv::study
