#pragma once
// The normalising and non-linear ops of a decoder block in integers, as an integer-only accelerator computes
// them (docs/executor.md "Integer numerics"): LayerNorm from integer statistics and an integer square root
// (I-BERT's integer-only LayerNorm, Kim et al., ICML 2021), GELU as a table indexed by the input code, and a
// base-2 softmax ("shiftmax": 2^x as a shift of a small table of 2^−f, as Akida 2's ViT engine and
// Softermax, Stevens et al., DAC 2021, compute it).
#include <cstdint>
#include <vector>

#include "compiler/config/model_spec.hpp"

namespace neurokv::functional {

// LayerNorm of the activation `codes` (value = code × step): n·x_i − Σx and Σ(n·x_i − Σx)² in integers, the
// deviation's root by an integer square root, each normalised value in fixed point with kLayerNormFraction
// bits; the gain and bias (code × scale values) scale the result on its way to the output's quantisation.
inline constexpr int kLayerNormFraction = 12;
std::vector<float> int_layer_norm(const std::vector<int32_t>& codes, float step,
                                  const std::vector<float>& gain, const std::vector<float>& bias,
                                  double epsilon);

// RMSNorm the same way: Σ(n·x_i)² with no mean taken.
std::vector<float> int_rms_norm(const std::vector<int32_t>& codes, float step, const std::vector<float>& gain,
                                const std::vector<float>& bias, double epsilon);
// `act` of every input code −qmax..qmax of a `bits`-wide activation with that step: entry code + qmax.
std::vector<float> activation_table(float step, int bits, float (*act)(float, GeluForm), GeluForm form);
// Rotary embedding of one head of activation codes (value = code × step): cos and sin as signed fixed point
// of kRopeFraction bits from a table, products summed in integers, then × step / 2^kRopeFraction.
inline constexpr int kRopeFraction = 14;
void int_rope(const int16_t* codes, float step, float* y, int head_dim, int rotary, double theta,
              int position);
// GELU of every input code −qmax..qmax of a `bits`-wide activation with that step: entry code + qmax.
std::vector<float> gelu_table(float step, int bits, GeluForm form);

// Base-2 softmax over `count` scores: each score × log2 e becomes a fixed-point exponent of
// kShiftmaxFraction bits; 2^(z − max) is a 16-bit table entry for the fraction shifted right by the integer
// part; each probability is (entry × levels) / Σ entries rounded to an unsigned code of `bits`, written to
// `probs` as code / (2^bits − 1).
inline constexpr int kShiftmaxFraction = 6;
void shiftmax(const float* scores, int count, int bits, float* probs);

}  // namespace neurokv::functional
