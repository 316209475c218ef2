#pragma once
// The IR as text after each stage of compile(): what `neurokv compile --print-after` shows and what the
// golden tests (tests/golden/) compare, so what a pass did can be read without writing C++.
#include <set>
#include <string>
#include <vector>

#include "compiler/driver/compile.hpp"

namespace neurokv {

struct PassText {
  std::string pass;  // a name from compile_pass_names()
  std::string
      text;  // the Graph IR text (graph_to_text) after frontend … schedule; the Event IR (.nkir) after lower
};

// The stages compile() runs, in order: frontend, the passes, lower.
const std::vector<std::string>& compile_pass_names();
// The stages compile_cnn() runs, in order: frontend, map_cnn, schedule, lower.
const std::vector<std::string>& cnn_compile_pass_names();

// compile(), also returning the IR text after each stage named in `print_after` (names from
// compile_pass_names()), in stage order.
CompileResult compile(const ModelSource& model, const LayerVariants& variants, const HwConfig& hw,
                      const CompileOptions& options, const std::set<std::string>& print_after,
                      std::vector<PassText>& texts);
// compile_cnn(), also returning the IR text after each stage named in `print_after` (names from
// cnn_compile_pass_names()).
CompileResult compile_cnn(const CnnSpec& spec, const HwConfig& hw, const std::string& map_mode,
                          const std::set<std::string>& print_after, std::vector<PassText>& texts);

}  // namespace neurokv
