#include "simulator/functional/int_rows.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "int_rows.cpp"  // re-included once per target (CMakeLists.txt: its folder)
#include <hwy/foreach_target.h>            // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>
#include <cstring>

HWY_BEFORE_NAMESPACE();
namespace neurokv::functional::HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

// One output at a time (the one-lane target).
void AccumulatePairsScalar(const int8_t* weights, int64_t pair_rows, const int64_t* pairs,
                           const int16_t* codes, std::size_t count, int64_t out, int32_t* acc) {
  for (int64_t o = 0; o < out; ++o) {
    const int8_t* block =
        weights + (o / kOutputBlock) * pair_rows * 2 * kOutputBlock + 2 * (o % kOutputBlock);
    for (std::size_t k = 0; k < count; ++k) {
      const int8_t* w = block + pairs[k] * 2 * kOutputBlock;
      acc[o] += codes[2 * k] * w[0] + codes[2 * k + 1] * w[1];
    }
  }
}

// Block by block of kOutputBlock outputs: their accumulators live in registers while the block's rows of the
// active pairs stream past, each row one widening pairwise multiply-add per vector (x86: pmaddwd: both
// inputs' products for a vector of outputs). sum0/sum1 collect them in the target's order and
// RearrangeToOddPlusEven puts each output's sum in its lane.
void AccumulatePairs(const int8_t* HWY_RESTRICT weights, int64_t pair_rows, const int64_t* HWY_RESTRICT pairs,
                     const int16_t* HWY_RESTRICT codes, std::size_t count, int64_t out,
                     int32_t* HWY_RESTRICT acc) {
#if HWY_TARGET == HWY_SCALAR  // one lane: no pairs of int16 lanes to multiply-add
  AccumulatePairsScalar(weights, pair_rows, pairs, codes, count, out, acc);
#else
  const hn::ScalableTag<int32_t> d32;
  const hn::Repartition<int16_t, decltype(d32)> d16;
  const hn::Rebind<int8_t, decltype(d16)> d8;  // as many int8 lanes as d16 has: n outputs × 2 inputs
  constexpr std::size_t n = hn::MaxLanes(d32);
  constexpr std::size_t kVectors = kOutputBlock / n;
  static_assert(kVectors * n == kOutputBlock, "a block is whole vectors");
  using V32 = hn::Vec<decltype(d32)>;
  const int64_t block_bytes = pair_rows * 2 * kOutputBlock;
  for (int64_t begin = 0; begin < out; begin += kOutputBlock) {
    const int8_t* block = weights + (begin / kOutputBlock) * block_bytes;
    V32 sum0[kVectors], sum1[kVectors];
    for (std::size_t v = 0; v < kVectors; ++v) sum0[v] = sum1[v] = hn::Zero(d32);
    for (std::size_t k = 0; k < count; ++k) {
      const int8_t* row = block + pairs[k] * 2 * kOutputBlock;
      int32_t packed;  // the pair's two int16 codes, one int32 lane, broadcast
      std::memcpy(&packed, codes + 2 * k, sizeof packed);
      const auto both = hn::BitCast(d16, hn::Set(d32, packed));
      for (std::size_t v = 0; v < kVectors; ++v) {
        const auto w = hn::PromoteTo(d16, hn::LoadU(d8, row + 2 * n * v));
        sum0[v] = hn::ReorderWidenMulAccumulate(d32, w, both, sum0[v], sum1[v]);
      }
    }
    HWY_ALIGN int32_t sums[kOutputBlock];
    for (std::size_t v = 0; v < kVectors; ++v)
      hn::Store(hn::RearrangeToOddPlusEven(sum0[v], sum1[v]), d32, sums + v * n);
    const int64_t width = std::min<int64_t>(kOutputBlock, out - begin);
    for (int64_t o = 0; o < width; ++o) acc[begin + o] += sums[o];
  }
#endif
}

// A vector of key or value codes as int16 lanes (d16) or int32 lanes (d32): int16 codes as they are, int8
// codes (caches of 8 bits or narrower) widened on load, so the kernels stream half the bytes.
template <class D>
hn::Vec<D> LoadWidened(D d, const int16_t* HWY_RESTRICT p) {
  if constexpr (sizeof(hn::TFromD<D>) == sizeof(int16_t)) {
    return hn::LoadU(d, p);
  } else {
    return hn::PromoteTo(d, hn::LoadU(hn::Rebind<int16_t, D>(), p));
  }
}
template <class D>
hn::Vec<D> LoadWidened(D d, const int8_t* HWY_RESTRICT p) {
  return hn::PromoteTo(d, hn::LoadU(hn::Rebind<int8_t, D>(), p));
}

// Row by row, each head's dot product by pairwise multiply-adds of int16 lanes into int32 (the caller bounds
// the sums).
template <typename Key>
void DotRowsOf(const int16_t* HWY_RESTRICT queries, int64_t heads, int64_t group,
               const Key* HWY_RESTRICT keys, int64_t stride, int64_t rows, std::size_t count,
               int32_t* HWY_RESTRICT dots) {
  const auto dot = [count](const int16_t* HWY_RESTRICT query, const Key* HWY_RESTRICT key) {
    std::size_t i = 0;
    int32_t total = 0;
#if HWY_TARGET != HWY_SCALAR
    const hn::ScalableTag<int32_t> d32;
    const hn::Repartition<int16_t, decltype(d32)> d16;
    const std::size_t n = hn::Lanes(d16);
    auto sum0 = hn::Zero(d32), sum1 = hn::Zero(d32);
    for (; i + n <= count; i += n)
      sum0 = hn::ReorderWidenMulAccumulate(d32, hn::LoadU(d16, query + i), LoadWidened(d16, key + i), sum0,
                                           sum1);
    total = hn::GetLane(hn::SumOfLanes(d32, hn::Add(sum0, sum1)));
#endif
    for (; i < count; ++i) total += query[i] * key[i];
    return total;
  };
  const auto width = static_cast<int64_t>(count);
  for (int64_t m = 0; m < rows; ++m) {
    for (int64_t h = 0; h < heads; ++h)
      dots[h * rows + m] = dot(queries + h * width, keys + m * stride + (h / group) * width);
  }
}
void DotRows16(const int16_t* queries, int64_t heads, int64_t group, const int16_t* keys, int64_t stride,
               int64_t rows, std::size_t count, int32_t* dots) {
  DotRowsOf(queries, heads, group, keys, stride, rows, count, dots);
}
void DotRows8(const int16_t* queries, int64_t heads, int64_t group, const int8_t* keys, int64_t stride,
              int64_t rows, std::size_t count, int32_t* dots) {
  DotRowsOf(queries, heads, group, keys, stride, rows, count, dots);
}

// Row by row (the non-zero codes'), the code broadcast times the row's codes widened to int32 lanes.
template <typename Value>
void SumWeightedRowsOf(const int32_t* HWY_RESTRICT codes, const Value* HWY_RESTRICT rows, int64_t stride,
                       int64_t count, std::size_t width, int32_t* HWY_RESTRICT acc) {
  std::fill(acc, acc + width, 0);
  const hn::ScalableTag<int32_t> d32;
  const std::size_t n = hn::Lanes(d32);
  for (int64_t m = 0; m < count; ++m) {
    if (codes[m] == 0) continue;
    const Value* row = rows + m * stride;
    const auto code = hn::Set(d32, codes[m]);
    std::size_t i = 0;
    for (; i + n <= width; i += n) {
      const auto sum = hn::Add(hn::LoadU(d32, acc + i), hn::Mul(code, LoadWidened(d32, row + i)));
      hn::StoreU(sum, d32, acc + i);
    }
    for (; i < width; ++i) acc[i] += codes[m] * row[i];
  }
}
void SumWeightedRows16(const int32_t* codes, const int16_t* rows, int64_t stride, int64_t count,
                       std::size_t width, int32_t* acc) {
  SumWeightedRowsOf(codes, rows, stride, count, width, acc);
}
void SumWeightedRows8(const int32_t* codes, const int8_t* rows, int64_t stride, int64_t count,
                      std::size_t width, int32_t* acc) {
  SumWeightedRowsOf(codes, rows, stride, count, width, acc);
}

}  // namespace neurokv::functional::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace neurokv::functional {

HWY_EXPORT(AccumulatePairs);
HWY_EXPORT(DotRows16);
HWY_EXPORT(DotRows8);
HWY_EXPORT(SumWeightedRows16);
HWY_EXPORT(SumWeightedRows8);

void accumulate_pairs(const int8_t* weights, int64_t pair_rows, const int64_t* pairs, const int16_t* codes,
                      std::size_t count, int64_t out, int32_t* acc) {
  HWY_DYNAMIC_DISPATCH(AccumulatePairs)(weights, pair_rows, pairs, codes, count, out, acc);
}

void dot_rows(const int16_t* queries, int64_t heads, int64_t group, const int16_t* keys, int64_t stride,
              int64_t rows, std::size_t count, int32_t* dots) {
  HWY_DYNAMIC_DISPATCH(DotRows16)(queries, heads, group, keys, stride, rows, count, dots);
}
void dot_rows(const int16_t* queries, int64_t heads, int64_t group, const int8_t* keys, int64_t stride,
              int64_t rows, std::size_t count, int32_t* dots) {
  HWY_DYNAMIC_DISPATCH(DotRows8)(queries, heads, group, keys, stride, rows, count, dots);
}

void sum_weighted_rows(const int32_t* codes, const int16_t* rows, int64_t stride, int64_t count,
                       std::size_t width, int32_t* acc) {
  HWY_DYNAMIC_DISPATCH(SumWeightedRows16)(codes, rows, stride, count, width, acc);
}
void sum_weighted_rows(const int32_t* codes, const int8_t* rows, int64_t stride, int64_t count,
                       std::size_t width, int32_t* acc) {
  HWY_DYNAMIC_DISPATCH(SumWeightedRows8)(codes, rows, stride, count, width, acc);
}

}  // namespace neurokv::functional
#endif
