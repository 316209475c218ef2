#pragma once
// The element-wise and normalising ops of a decoder block in fp32, as PyTorch computes them: the reference
// numerics the executor's float mode uses.
#include <vector>

#include "compiler/config/model_spec.hpp"

namespace neurokv::functional {

// (x − mean) / √(var + ε) × gain + bias over the whole vector (biased variance, as nn.LayerNorm).
std::vector<float> layer_norm(const std::vector<float>& x, const std::vector<float>& gain,
                              const std::vector<float>& bias, double epsilon);
// x / √(mean(x²) + ε) × gain + bias (RMSNorm; bias empty when it has none).
std::vector<float> rms_norm(const std::vector<float>& x, const std::vector<float>& gain,
                            const std::vector<float>& bias, double epsilon);
// GELU of one value: gelu_rows's (float_activations.hpp), the form PyTorch's CPU kernel computes.
float gelu(float x, GeluForm form);
// x · σ(x): the gate of SwiGLU.
float silu(float x);
// Rotary position embedding of one head of `head_dim` values at `position` (Hugging Face's rotate_half
// form): the first `rotary` dimensions in pairs (j, j + rotary/2) rotated by position × θ^(−2j/rotary), the
// rest copied.
void rope_rotate(const float* x, float* y, int head_dim, int rotary, double theta, int position);
// The angle of pair j at `position`: position × θ^(−2j/rotary).
double rope_angle(int j, int rotary, double theta, int position);
// Softmax over `scores` in place (max subtracted first, as PyTorch does): exp in fp32 (exp_shifted), their
// sum in double, then each × 1/sum in fp32.
void softmax(float* scores, int count);

}  // namespace neurokv::functional
