#pragma once
// Weights for a model that has none (a model YAML: shapes only), so its program can be executed and its
// events measured: GPT-2's initialisation (Radford et al. 2019; the nanoGPT reference): every weight matrix
// and embedding table N(0, 0.02²), the residual projections (attention output, MLP down) N(0,
// (0.02/√(2·layers))²), biases 0, LayerNorm gains 1. A model at initialisation, not a trained one: reports
// that use these weights say "synthetic weights" beside every measured figure (docs/executor.md). A CNN
// program's layers get He-normal kernels and zero biases in the ModelWeights contract's layout
// (cnn_weights.hpp; docs/executor.md "CNN execution").
#include <cstdint>

#include "compiler/config/model_weights.hpp"
#include "compiler/ir/program.hpp"

namespace neurokv::functional {

inline constexpr double kSyntheticStd = 0.02;

// One entry per op of `program` that holds weights (two for a separable layer) (a tied LM head shares its
// embedding's), drawn from a std::mt19937_64 seeded with `seed` in program order: the same seed gives the
// same weights.
ModelWeights synthetic_weights(const ir::Program& program, uint64_t seed);

}  // namespace neurokv::functional
