#include "simulator/functional/float_rows.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "float_rows.cpp"  // re-included once per target (CMakeLists.txt: its folder)
#include <hwy/foreach_target.h>              // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace neurokv::functional::HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

// The outputs [o, o + kVectors × lanes) of kRows rows: each weight vector loaded once serves kRows positions,
// and the kRows × kVectors accumulators (8 in the main blocks) hide the adds' latency.
template <int kRows, int kVectors, class D>
void Block(D d, const float* HWY_RESTRICT x, int64_t in, const float* HWY_RESTRICT w, int64_t out,
           const float* HWY_RESTRICT bias, float* HWY_RESTRICT y, int64_t o) {
  using V = hn::Vec<D>;
  const auto n = static_cast<int64_t>(hn::Lanes(d));
  V acc[kRows][kVectors];
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < kVectors; ++v) acc[r][v] = hn::Zero(d);
  }
  for (int64_t j = 0; j < in; ++j) {
    V wv[kVectors];
    for (int v = 0; v < kVectors; ++v) wv[v] = hn::LoadU(d, w + j * out + o + v * n);
    for (int r = 0; r < kRows; ++r) {
      const V xr = hn::Set(d, x[r * in + j]);
      for (int v = 0; v < kVectors; ++v) acc[r][v] = hn::Add(acc[r][v], hn::Mul(xr, wv[v]));
    }
  }
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < kVectors; ++v) {
      V sum = acc[r][v];
      if (bias != nullptr) sum = hn::Add(sum, hn::LoadU(d, bias + o + v * n));
      hn::StoreU(sum, d, y + r * out + o + v * n);
    }
  }
}

// The outputs [begin, end) of kRows rows: pairs of full vectors, then one, then narrower vectors (8, 4 lanes:
// a 24-wide K projection on a 16-lane target), then one output at a time, each in the same input order.
template <int kRows>
void RowBlock(const float* HWY_RESTRICT x, int64_t in, const float* HWY_RESTRICT w, int64_t out,
              const float* HWY_RESTRICT bias, float* HWY_RESTRICT y, int64_t begin, int64_t end) {
  const hn::ScalableTag<float> d;
  const hn::CappedTag<float, 8> d8;
  const hn::CappedTag<float, 4> d4;
  const auto n = static_cast<int64_t>(hn::Lanes(d)), n8 = static_cast<int64_t>(hn::Lanes(d8)),
             n4 = static_cast<int64_t>(hn::Lanes(d4));
  int64_t o = begin;
  for (; o + 2 * n <= end; o += 2 * n) Block<kRows, 2>(d, x, in, w, out, bias, y, o);
  for (; o + n <= end; o += n) Block<kRows, 1>(d, x, in, w, out, bias, y, o);
  for (; o + n8 <= end; o += n8) Block<kRows, 1>(d8, x, in, w, out, bias, y, o);
  for (; o + n4 <= end; o += n4) Block<kRows, 1>(d4, x, in, w, out, bias, y, o);
  for (; o < end; ++o) {
    for (int r = 0; r < kRows; ++r) {
      float acc = 0.0f;
      for (int64_t j = 0; j < in; ++j) acc = acc + x[r * in + j] * w[j * out + o];
      y[r * out + o] = bias != nullptr ? acc + bias[o] : acc;
    }
  }
}

void MultiplyRows(const float* HWY_RESTRICT x, int64_t rows, int64_t in, const float* HWY_RESTRICT w,
                  int64_t out, const float* HWY_RESTRICT bias, float* HWY_RESTRICT y, int64_t begin,
                  int64_t end) {
  constexpr int kRows = 4;
  int64_t r = 0;
  for (; r + kRows <= rows; r += kRows)
    RowBlock<kRows>(x + r * in, in, w, out, bias, y + r * out, begin, end);
  for (; r < rows; ++r) RowBlock<1>(x + r * in, in, w, out, bias, y + r * out, begin, end);
}

// A vector's lanes minus those equal to 0: a NaN is not 0, as `x != 0.0f` says one at a time.
int64_t CountNonzero(const float* HWY_RESTRICT x, int64_t count) {
  const hn::ScalableTag<float> d;
  const auto n = static_cast<int64_t>(hn::Lanes(d));
  int64_t nonzero = 0, i = 0;
  for (; i + n <= count; i += n)
    nonzero += n - static_cast<int64_t>(hn::CountTrue(d, hn::Eq(hn::LoadU(d, x + i), hn::Zero(d))));
  for (; i < count; ++i) nonzero += x[i] != 0.0f;
  return nonzero;
}

}  // namespace neurokv::functional::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace neurokv::functional {

HWY_EXPORT(MultiplyRows);
HWY_EXPORT(CountNonzero);

void multiply_rows(const float* x, int64_t rows, int64_t in, const float* w, int64_t out, const float* bias,
                   float* y, int64_t begin, int64_t end) {
  HWY_DYNAMIC_DISPATCH(MultiplyRows)(x, rows, in, w, out, bias, y, begin, end);
}

int64_t count_nonzero(const float* x, int64_t count) { return HWY_DYNAMIC_DISPATCH(CountNonzero)(x, count); }

}  // namespace neurokv::functional
#endif
