#pragma once
// A model's real weights, quantised for one compiled program: per op that holds weight bytes, its tensor in
// the stored layout (weights_layout.hpp) at the op's weight width, with the op's tiles.
#include "compiler/config/model_weights.hpp"
#include "compiler/ir/program.hpp"
#include "compiler/weights/weights_file.hpp"

namespace neurokv::weights {

// Throws InputError naming the op when the model has no weights for it or their shape is not the op's.
WeightsFile quantize_program_weights(const ir::Program& program, const ModelWeights& model);

}  // namespace neurokv::weights
