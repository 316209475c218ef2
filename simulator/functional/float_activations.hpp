#pragma once
// The transcendental functions of the float reference over vectors in fp32, vectorised with Highway (dynamic
// dispatch), as PyTorch's CPU kernels compute them (float in, float out). GELU in PyTorch's form: the erf
// form x/2 · (1 + erf(x/√2)) with erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7, the polynomial and
// exp(−x²) PyTorch's Vectorized<float>::erf uses), or the tanh form x/2 · (1 + tanh(√(2/π) · (x + 0.044715
// x³))). Every lane is computed alike, so a value's GELU does not depend on its neighbours or on where the
// vector starts. The exponential is Highway's (at most 1 ulp from exp in fp32, as PyTorch's Sleef expf).
// Targets with FMA (AVX2, AVX-512) give the same bits; the 128-bit targets without it round the polynomials'
// multiply-adds twice.
#include <cstdint>

#include "compiler/config/model_spec.hpp"

namespace neurokv::functional {

// y[i] = GELU(x[i]) for i in [0, count); y may be x.
void gelu_rows(const float* x, float* y, int64_t count, GeluForm form);
// y[i] = exp(x[i] − shift) for i in [0, count): a softmax's exponentials; y may be x.
void exp_shifted(const float* x, float shift, float* y, int64_t count);

}  // namespace neurokv::functional
