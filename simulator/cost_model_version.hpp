#pragma once
// The cost model's version. Bump it in the change that makes an evaluation report different figures for the
// same program and chip: an energy or timing equation of the analytic estimator, a behaviour of the
// transaction simulator, a default they read. Sweeps hash it together with neurokv's version (CMake
// PROJECT_VERSION), so a sweep is never resumed or merged across builds that cost points differently
// (docs/sweeps.md).
namespace neurokv {

// 2: report rows carry `extrapolated`, whole-number counts and per-layer KV heads (issue 17).
// 3: KV beside its readers, contention in the estimate, static power per powered block, sourced DRAM (issue
// 12).
constexpr int kCostModelVersion = 3;

}  // namespace neurokv
