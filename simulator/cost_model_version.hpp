#pragma once
// The cost model's version. Bump it in the change that makes an evaluation report different figures for the
// same program and chip: an energy or timing equation of the analytic estimator, a behaviour of the cycle
// simulator, a default they read. Sweeps hash it together with neurokv's version (CMake PROJECT_VERSION), so
// a sweep is never resumed or merged across builds that cost points differently (docs/sweeps.md).
namespace neurokv {

constexpr int kCostModelVersion = 2;

}  // namespace neurokv
