#pragma once
// Checks a weights file against the program it was written for: the same ops with weights, in program order,
// with the program's shapes and weight width, and tiles whose channels and byte counts are the program's
// (`tile.weight_bytes`, biases included), and stored activation scales naming the program's ops in order.
#include <string>
#include <vector>

#include "compiler/ir/program.hpp"
#include "compiler/weights/weights_file.hpp"

namespace neurokv::weights {

// Every mismatch, each naming the op (and tile) and both values; empty when they match.
std::vector<std::string> verify_weights(const WeightsFile& file, const ir::Program& program);
// Throws InputError "name: N problems: ..." listing them.
void check_weights(const WeightsFile& file, const ir::Program& program, const std::string& name);

}  // namespace neurokv::weights
