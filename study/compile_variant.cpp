#include "study/compile_variant.hpp"

#include <fmt/format.h>

#include "compiler/ir/verifier.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::study {

CompileResult compile_variant(const Study& study, const std::string& variants,
                              const std::set<std::string>& print_after, std::vector<PassText>& texts) {
  if (study.variants.size() != 1) {
    throw InputError(
        fmt::format("--variant: compile takes one variant, got {} ('{}')", study.variants.size(), variants));
  }
  CompileResult result =
      compile(study.model, study.variants.front(), study.hw, study.compile, print_after, texts);
  const std::vector<std::string> problems = ir::verify_program(result.program);
  if (!problems.empty())
    throw RunError(fmt::format("the compiled program does not verify: {}", problems.front()));
  return result;
}

}  // namespace neurokv::study
