#include "simulator/functional/float_activations.hpp"

#undef HWY_TARGET_INCLUDE
// Re-included once per target (CMakeLists.txt: its folder).
#define HWY_TARGET_INCLUDE "float_activations.cpp"
// Highway's math after highway.h, both per target.
// clang-format off
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>
// clang-format on

#include <algorithm>
#include <cmath>

HWY_BEFORE_NAMESPACE();
namespace neurokv::functional::HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

// erf(x) = sign(x) · (1 − t · r(t) · exp(−x²)), t = 1 / (1 + p|x|), r a polynomial of degree 4
// (Abramowitz & Stegun 7.1.26).
template <class D, class V>
V Erf(D d, V x) {
  const V ax = hn::Abs(x);
  const V t = hn::Div(hn::Set(d, 1.0f), hn::MulAdd(hn::Set(d, 0.3275911f), ax, hn::Set(d, 1.0f)));
  V r = hn::MulAdd(hn::Set(d, 1.061405429f), t, hn::Set(d, -1.453152027f));
  r = hn::MulAdd(r, t, hn::Set(d, 1.421413741f));
  r = hn::MulAdd(r, t, hn::Set(d, -0.284496736f));
  r = hn::MulAdd(r, t, hn::Set(d, 0.254829592f));
  // exp(−x²), its argument held where Exp is valid (below −88 the result is 0 in fp32 all the same)
  const V e = hn::Exp(d, hn::Max(hn::Neg(hn::Mul(x, x)), hn::Set(d, -88.0f)));
  const V magnitude = hn::NegMulAdd(hn::Mul(e, t), r, hn::Set(d, 1.0f));
  return hn::CopySignToAbs(magnitude, x);
}

template <class D, class V>
V Gelu(D d, V x, GeluForm form) {
  const V half = hn::Mul(hn::Set(d, 0.5f), x);
  if (form == GeluForm::Tanh) {
    const V inner = hn::Mul(hn::Set(d, static_cast<float>(M_2_SQRTPI * M_SQRT1_2)),
                            hn::MulAdd(hn::Mul(hn::Set(d, 0.044715f), hn::Mul(x, x)), x, x));
    return hn::MulAdd(half, hn::Tanh(d, inner), half);
  }
  return hn::MulAdd(half, Erf(d, hn::Mul(x, hn::Set(d, static_cast<float>(M_SQRT1_2)))), half);
}

// y[i] = f(x[i]) for i in [0, count), f a function of a vector: full vectors, then the last values through
// one more (padded with zeros), so each value goes through the same lanes' arithmetic.
template <class F>
void Map(const float* x, float* y, int64_t count, F f) {
  const hn::ScalableTag<float> d;
  const auto n = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + n <= count; i += n) hn::StoreU(f(d, hn::LoadU(d, x + i)), d, y + i);
  if (i == count) return;
  HWY_ALIGN float in[hn::MaxLanes(d)] = {}, out[hn::MaxLanes(d)];
  std::copy(x + i, x + count, in);
  hn::Store(f(d, hn::Load(d, in)), d, out);
  std::copy(out, out + (count - i), y + i);
}

void GeluRows(const float* x, float* y, int64_t count, GeluForm form) {
  Map(x, y, count, [form](auto d, auto v) { return Gelu(d, v, form); });
}

void ExpShifted(const float* x, float shift, float* y, int64_t count) {
  Map(x, y, count, [shift](auto d, auto v) { return hn::Exp(d, hn::Sub(v, hn::Set(d, shift))); });
}

}  // namespace neurokv::functional::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace neurokv::functional {

HWY_EXPORT(GeluRows);
HWY_EXPORT(ExpShifted);

void gelu_rows(const float* x, float* y, int64_t count, GeluForm form) {
  HWY_DYNAMIC_DISPATCH(GeluRows)(x, y, count, form);
}

void exp_shifted(const float* x, float shift, float* y, int64_t count) {
  HWY_DYNAMIC_DISPATCH(ExpShifted)(x, shift, y, count);
}

}  // namespace neurokv::functional
#endif
