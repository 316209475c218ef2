#pragma once
// `neurokv compile`: a study's one variant lowered to a verified Event IR program.
#include <set>
#include <string>
#include <vector>

#include "compiler/driver/pass_text.hpp"
#include "study/study.hpp"

namespace neurokv::study {

// Compiles the study's one variant (InputError naming `variants`, the list asked, for several) and checks
// the program with the verifier: a program it rejects is a compiler bug, a RunError. `texts`: the IR after
// each stage named in `print_after`.
CompileResult compile_variant(const Study& study, const std::string& variants,
                              const std::set<std::string>& print_after, std::vector<PassText>& texts);

// A CNN (a model YAML's name or path, network: cnn, or an ONNX CNN; its notes lead the result's diagnostics)
// compiled for the chip `hw` names in `map_mode` (compile_cnn) and checked with the verifier, as
// compile_variant does.
CompileResult compile_cnn_model(const std::string& model, const std::string& hw, const std::string& map_mode,
                                const std::set<std::string>& print_after, std::vector<PassText>& texts);

}  // namespace neurokv::study
