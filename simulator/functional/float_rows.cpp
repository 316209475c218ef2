#include "simulator/functional/float_rows.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "float_rows.cpp"  // re-included once per target (CMakeLists.txt: its folder)
#include <hwy/foreach_target.h>              // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace neurokv::functional::HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

// kRows rows × two vectors of outputs per register block: each weight vector loaded once serves kRows
// positions, and the 2·kRows accumulators (8 on 16-register targets) hide the adds' latency.
template <int kRows>
void RowBlock(const float* HWY_RESTRICT x, int64_t in, const float* HWY_RESTRICT w, int64_t out,
              const float* HWY_RESTRICT bias, float* HWY_RESTRICT y) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const auto n = static_cast<int64_t>(hn::Lanes(d));
  int64_t o = 0;
  for (; o + 2 * n <= out; o += 2 * n) {
    V acc0[kRows], acc1[kRows];
    for (int r = 0; r < kRows; ++r) acc0[r] = acc1[r] = hn::Zero(d);
    for (int64_t j = 0; j < in; ++j) {
      const V w0 = hn::LoadU(d, w + j * out + o), w1 = hn::LoadU(d, w + j * out + o + n);
      for (int r = 0; r < kRows; ++r) {
        const V xr = hn::Set(d, x[r * in + j]);
        acc0[r] = hn::Add(acc0[r], hn::Mul(xr, w0));
        acc1[r] = hn::Add(acc1[r], hn::Mul(xr, w1));
      }
    }
    for (int r = 0; r < kRows; ++r) {
      if (bias != nullptr) {
        acc0[r] = hn::Add(acc0[r], hn::LoadU(d, bias + o));
        acc1[r] = hn::Add(acc1[r], hn::LoadU(d, bias + o + n));
      }
      hn::StoreU(acc0[r], d, y + r * out + o);
      hn::StoreU(acc1[r], d, y + r * out + o + n);
    }
  }
  for (; o < out; ++o) {  // the outputs past the last pair of vectors, one at a time, in the same order
    for (int r = 0; r < kRows; ++r) {
      float acc = 0.0f;
      for (int64_t j = 0; j < in; ++j) acc = acc + x[r * in + j] * w[j * out + o];
      y[r * out + o] = bias != nullptr ? acc + bias[o] : acc;
    }
  }
}

void MultiplyRows(const float* HWY_RESTRICT x, int64_t rows, int64_t in, const float* HWY_RESTRICT w,
                  int64_t out, const float* HWY_RESTRICT bias, float* HWY_RESTRICT y) {
  constexpr int kRows = 4;
  int64_t r = 0;
  for (; r + kRows <= rows; r += kRows) RowBlock<kRows>(x + r * in, in, w, out, bias, y + r * out);
  for (; r < rows; ++r) RowBlock<1>(x + r * in, in, w, out, bias, y + r * out);
}

}  // namespace neurokv::functional::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace neurokv::functional {

HWY_EXPORT(MultiplyRows);

void multiply_rows(const float* x, int64_t rows, int64_t in, const float* w, int64_t out, const float* bias,
                   float* y) {
  HWY_DYNAMIC_DISPATCH(MultiplyRows)(x, rows, in, w, out, bias, y);
}

}  // namespace neurokv::functional
#endif
