#pragma once
// The mesh's cycle loop driven by SystemC: one SC_THREAD runs the synthetic points one after another and
// waits one clock period after every simulated cycle, so SystemC time is cycles × period — the shape the
// cycle fidelity takes inside the SystemC chip model (one process for the whole mesh, not one per router or
// flit). SystemC 2.3's kernel runs once per process: this may be called once per process (`neurokv noc
// --systemc`); a second call throws RunError. The figures are those of run_synthetic() without SystemC, to
// the byte.
#include <vector>

#include "simulator/noc/synthetic_run.hpp"

namespace neurokv::noc {

struct SystemcRun {
  std::vector<SyntheticResult> results;  // one per point, in order
  double simulated_ns = 0;               // SystemC time at the end: every point's cycles × the period
};

SystemcRun run_synthetic_systemc(const NocParams& params, const std::vector<SyntheticOptions>& points,
                                 double clock_hz);

}  // namespace neurokv::noc
