#pragma once
// The integer inner loops, vectorised with Highway (dynamic dispatch to the best target the CPU has: SSE4,
// AVX2, AVX-512). Integer sums in any order are exact, so every target gives the same results.
// - The Linear's (docs/executor.md "Numerics", "Linear"): every non-zero input code adds code × its int8
//   weight row to int32 accumulators, two inputs at a time by a widening pairwise multiply-add.
// - The attention scores' dot products of 16-bit query codes and key codes: int16, or int8 for a cache of 8
//   bits or narrower (widened on load: the cache streams half the bytes).
// - P·V: probability codes × rows of value codes (int16 or int8, as the keys), summed into int32.
#include <cstddef>
#include <cstdint>

namespace neurokv::functional {

// Outputs per block of a Linear's packed codes (OpTensor::codes): one 64-byte row of int8 pairs per pair of
// inputs, whose 32 int32 accumulators stay in registers while the block's rows stream past.
inline constexpr int64_t kOutputBlock = 32;

// acc[o] += Σ_k codes[2k] × W[2·pairs[k]][o] + codes[2k + 1] × W[2·pairs[k] + 1][o] for o in [0, out), the
// weights packed as OpTensor::codes is ([⌈out / kOutputBlock⌉][pair_rows][kOutputBlock][2]). In int32, as
// the tiles' accumulators; the caller's widths keep the sums in range.
void accumulate_pairs(const int8_t* weights, int64_t pair_rows, const int64_t* pairs, const int16_t* codes,
                      std::size_t count, int64_t out, int32_t* acc);

// dots[h × rows + m] = Σ_i queries[h × count + i] × keys[m × stride + (h / group) × count + i], i in
// [0, count), for every head h in [0, heads) and row m in [0, rows): each query head against the rows of its
// group's keys, the rows streamed once in order. The caller makes sure every partial sum fits int32 (then it
// is exact).
void dot_rows(const int16_t* queries, int64_t heads, int64_t group, const int16_t* keys, int64_t stride,
              int64_t rows, std::size_t count, int32_t* dots);
void dot_rows(const int16_t* queries, int64_t heads, int64_t group, const int8_t* keys, int64_t stride,
              int64_t rows, std::size_t count, int32_t* dots);

// acc[i] = Σ_m codes[m] × rows[m × stride + i] for i in [0, width), over the rows m in [0, count) whose code
// is not 0 (a zero code is skipped, as the chip skips a zero probability). The caller makes sure every
// partial sum fits int32 (then it is exact).
void sum_weighted_rows(const int32_t* codes, const int16_t* rows, int64_t stride, int64_t count,
                       std::size_t width, int32_t* acc);
void sum_weighted_rows(const int32_t* codes, const int8_t* rows, int64_t stride, int64_t count,
                       std::size_t width, int32_t* acc);

}  // namespace neurokv::functional
