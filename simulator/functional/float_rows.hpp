#pragma once
// The float Linear of a block of positions at once (a prefill's rows, or one decode token's), and the count
// of a row's non-zero values (its events), vectorised with Highway (dynamic dispatch to the best target the
// CPU has: the project is built without -march, so Eigen alone would be SSE2). Every output's sum runs over
// the inputs in order, each product rounded before it is added (no fused multiply-add: the file is compiled
// with -ffp-contract=off), which is the sum the token-by-token axpy gave, to the bit: the float reference's
// outputs, hence the integer run's calibrated scales, do not depend on how many positions run together.
#include <cstdint>

namespace neurokv::functional {

// y[r × out + o] = (Σ_j x[r × in + j] × w[j × out + o]) + bias[o] for r in [0, rows), o in [begin, end) (a
// part of the outputs [0, out): the executor splits them over threads), j in [0, in) in order; `bias` may be
// nullptr (then nothing is added). The weights are input-major, [in][out]. A zero input adds ±0, which leaves
// every sum as it was: the result is that of skipping it. Each output's sum is the same whatever range
// computes it (the order is j's, the vector width changes no product or sum of a lane).
void multiply_rows(const float* x, int64_t rows, int64_t in, const float* w, int64_t out, const float* bias,
                   float* y, int64_t begin, int64_t end);

// The values of x[0, count) that are not 0 (a NaN is not 0): the events a row of inputs makes.
int64_t count_nonzero(const float* x, int64_t count);

}  // namespace neurokv::functional
