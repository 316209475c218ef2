#include "simulator/functional/int_rows.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "int_rows.cpp"  // re-included once per target (CMakeLists.txt: its folder)
#include <hwy/foreach_target.h>            // IWYU pragma: keep
#include <hwy/highway.h>

#include <vector>

HWY_BEFORE_NAMESPACE();
namespace neurokv::functional::HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

// Streams the pairs in order, four at a time. Each pair's two int8 weights of an output sit side by side, so
// one widening pairwise multiply-add (x86: pmaddwd) takes both inputs' products for a vector of outputs:
// sum0/sum1 collect them in the target's order and RearrangeToOddPlusEven puts each output's sum in its lane.
// One output at a time (the one-lane target).
void AccumulatePairsScalar(const int8_t* weights, int64_t stride, const int64_t* pairs, const int32_t* codes,
                           std::size_t count, int64_t width, int32_t* acc) {
  for (int64_t o = 0; o < width; ++o) {
    for (std::size_t j = 0; j < count; ++j) {
      const int8_t* w = weights + pairs[j] * 2 * stride + 2 * o;
      acc[o] += codes[2 * j] * w[0] + codes[2 * j + 1] * w[1];
    }
  }
}

void AccumulatePairs(const int8_t* HWY_RESTRICT weights, int64_t stride, const int64_t* HWY_RESTRICT pairs,
                     const int32_t* HWY_RESTRICT codes, std::size_t count, int64_t width,
                     int32_t* HWY_RESTRICT acc) {
#if HWY_TARGET == HWY_SCALAR  // one lane: no pairs of int16 lanes to multiply-add
  AccumulatePairsScalar(weights, stride, pairs, codes, count, width, acc);
#else
  const hn::ScalableTag<int32_t> d32;
  const hn::Repartition<int16_t, decltype(d32)> d16;
  const hn::Rebind<int8_t, decltype(d16)> d8;  // as many int8 lanes as d16 has: n outputs × 2 inputs
  const auto n = static_cast<int64_t>(hn::Lanes(d32));
  // Whole vectors over the tile, the last one reaching past its end into the next outputs' weights (or the
  // tensor's padding, OpTensor::codes): their lanes are computed and dropped.
  const int64_t vectors = (width + n - 1) / n;
  std::vector<int32_t> even(static_cast<std::size_t>(vectors * n), 0);  // sum0
  std::vector<int32_t> odd(even.size(), 0);                             // sum1: no products on x86
  int32_t* const sums = even.data();
  const auto pair_codes = [&](std::size_t k) {
    const uint32_t packed = static_cast<uint16_t>(codes[2 * k]) |
                            (static_cast<uint32_t>(static_cast<uint16_t>(codes[2 * k + 1])) << 16);
    return hn::BitCast(d16, hn::Set(d32, static_cast<int32_t>(packed)));
  };
  const auto widened = [&](const int8_t* pair, int64_t v) {
    return hn::PromoteTo(d16, hn::LoadU(d8, pair + 2 * v * n));
  };
  std::size_t k = 0;
  for (; k + 4 <= count; k += 4) {
    const int8_t* p0 = weights + pairs[k] * 2 * stride;
    const int8_t* p1 = weights + pairs[k + 1] * 2 * stride;
    const int8_t* p2 = weights + pairs[k + 2] * 2 * stride;
    const int8_t* p3 = weights + pairs[k + 3] * 2 * stride;
    const auto c0 = pair_codes(k);
    const auto c1 = pair_codes(k + 1);
    const auto c2 = pair_codes(k + 2);
    const auto c3 = pair_codes(k + 3);
    for (int64_t v = 0; v < vectors; ++v) {
      auto s0 = hn::LoadU(d32, sums + v * n), s1 = hn::LoadU(d32, odd.data() + v * n);
      s0 = hn::ReorderWidenMulAccumulate(d32, widened(p0, v), c0, s0, s1);
      s0 = hn::ReorderWidenMulAccumulate(d32, widened(p1, v), c1, s0, s1);
      s0 = hn::ReorderWidenMulAccumulate(d32, widened(p2, v), c2, s0, s1);
      s0 = hn::ReorderWidenMulAccumulate(d32, widened(p3, v), c3, s0, s1);
      hn::StoreU(s0, d32, sums + v * n);
      hn::StoreU(s1, d32, odd.data() + v * n);
    }
  }
  for (; k < count; ++k) {
    const int8_t* p = weights + pairs[k] * 2 * stride;
    const auto c = pair_codes(k);
    for (int64_t v = 0; v < vectors; ++v) {
      auto s0 = hn::LoadU(d32, sums + v * n), s1 = hn::LoadU(d32, odd.data() + v * n);
      s0 = hn::ReorderWidenMulAccumulate(d32, widened(p, v), c, s0, s1);
      hn::StoreU(s0, d32, sums + v * n);
      hn::StoreU(s1, d32, odd.data() + v * n);
    }
  }
  for (int64_t v = 0; v < vectors; ++v) {
    hn::StoreU(hn::RearrangeToOddPlusEven(hn::LoadU(d32, sums + v * n), hn::LoadU(d32, odd.data() + v * n)),
               d32, sums + v * n);
  }
  for (int64_t o = 0; o < width; ++o) acc[o] += sums[o];
#endif
}

// Σ a[i] × b[i] over `count` int32 codes whose products and sum fit int32 (the caller checks the bound).
int32_t DotInt32(const int32_t* HWY_RESTRICT a, const int32_t* HWY_RESTRICT b, std::size_t count) {
  const hn::ScalableTag<int32_t> d32;
  const std::size_t n = hn::Lanes(d32);
  auto sum = hn::Zero(d32);
  std::size_t i = 0;
  for (; i + n <= count; i += n) sum = hn::Add(sum, hn::Mul(hn::LoadU(d32, a + i), hn::LoadU(d32, b + i)));
  int32_t total = hn::GetLane(hn::SumOfLanes(d32, sum));
  for (; i < count; ++i) total += a[i] * b[i];
  return total;
}

}  // namespace neurokv::functional::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace neurokv::functional {

HWY_EXPORT(AccumulatePairs);
HWY_EXPORT(DotInt32);

void accumulate_pairs(const int8_t* weights, int64_t stride, const int64_t* pairs, const int32_t* codes,
                      std::size_t count, int64_t width, int32_t* acc) {
  HWY_DYNAMIC_DISPATCH(AccumulatePairs)(weights, stride, pairs, codes, count, width, acc);
}

int32_t dot_int32(const int32_t* a, const int32_t* b, std::size_t count) {
  return HWY_DYNAMIC_DISPATCH(DotInt32)(a, b, count);
}

}  // namespace neurokv::functional
#endif
