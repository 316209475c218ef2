#pragma once
// GELU of a vector in fp32, vectorised with Highway (dynamic dispatch), in the form PyTorch's CPU kernel
// computes it: the erf form x/2 · (1 + erf(x/√2)) with erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7,
// the polynomial and exp(−x²) PyTorch's Vectorized<float>::erf uses), or the tanh form
// x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³))). Every lane is computed alike, so a value's GELU does not
// depend on its neighbours or on where the vector starts.
#include <cstdint>

#include "compiler/config/model_spec.hpp"

namespace neurokv::functional {

// y[i] = GELU(x[i]) for i in [0, count).
void gelu_rows(const float* x, float* y, int64_t count, GeluForm form);

}  // namespace neurokv::functional
