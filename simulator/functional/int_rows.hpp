#pragma once
// The integer inner loops: the Linear's (docs/executor.md "Numerics", "Linear"): every non-zero input code
// adds code × its int8 weight row to the tile's int32 accumulators, vectorised with Highway (dynamic dispatch
// to the best target the CPU has: SSE4, AVX2, AVX-512). Integer sums in any order are exact, so every target
// gives the same accumulators. And the attention scores' dot products of codes.
#include <cstddef>
#include <cstdint>

namespace neurokv::functional {

// acc[o] += Σ_k codes[2k] × w[pairs[k]][o][0] + codes[2k + 1] × w[pairs[k]][o][1], o in [0, width), where
// w[p][o][r] = weights[p × 2 × stride + 2o + r] (OpTensor::codes' pair layout; `weights` points at the tile's
// first output). In int32, as the tile's accumulators; |codes| < 2^15 and the caller's widths keep the sums
// in range.
void accumulate_pairs(const int8_t* weights, int64_t stride, const int64_t* pairs, const int32_t* codes,
                      std::size_t count, int64_t width, int32_t* acc);

// Σ a[i] × b[i], vectorised; the caller makes sure every partial sum fits int32 (then it is exact).
int32_t dot_int32(const int32_t* a, const int32_t* b, std::size_t count);

}  // namespace neurokv::functional
