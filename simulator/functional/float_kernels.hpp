#pragma once
// The element-wise and normalising ops of a decoder block in fp32, as PyTorch computes them: the reference
// numerics the executor's float mode uses.
#include <vector>

#include "compiler/config/model_spec.hpp"

namespace neurokv::functional {

// (x − mean) / √(var + ε) × gain + bias over the whole vector (biased variance, as nn.LayerNorm).
std::vector<float> layer_norm(const std::vector<float>& x, const std::vector<float>& gain,
                              const std::vector<float>& bias, double epsilon);
float gelu(float x, GeluForm form);
// Softmax over `scores` in place (max subtracted first, as PyTorch does).
void softmax(float* scores, int count);

}  // namespace neurokv::functional
