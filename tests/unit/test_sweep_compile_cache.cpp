// The compile cache: points that differ only in cost-only keys share a compile.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "compiler/config/hw_override.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "sweep/compile_cache.hpp"
#include "sweep/journal.hpp"
#include "sweep/pareto.hpp"
#include "sweep/plots.hpp"
#include "sweep/runner.hpp"
#include "tests/unit/sweep_fixture.hpp"
#include "tests/unit/sweep_helpers.hpp"

using namespace neurokv;
using namespace neurokv::sweep;
using namespace neurokv::test;

TEST_CASE(
    "points that differ only in cost-only keys share a compile and its counts, and report as a fresh compile "
    "does") {
  const SweepPlan plan = plan_of(R"(model: edge-tiny
hw: akida2-like
variants: [QKV, MQA]
contexts: [64]
grid:
  energy.dram_pj_per_byte: [100, 200]
  dram.latency_ns+dram.background_w+energy.gate_idle_nps: [0, 1]
  dram.bandwidth_bytes_per_s+clock_hz: [5e8, 2e9]
  np.mac_lanes: [8, 32]
  noc.link_bytes_per_cycle+noc.hop_latency_cycles+noc.event_bytes: [2, 8]
  softmax.elements_per_cycle: [1, 8]
  mesh.cols: [4, 8]
)");
  CHECK_FALSE(cost_only_key("mesh.cols"));
  CHECK(cost_only_key("energy.mac_pj.8"));
  CompileCache cache(plan);
  for (int64_t i = 0; i < plan.size(); ++i) {
    const SweepPoint p = plan.point(i);
    const Report fresh =
        evaluate(plan.model(p.model), {plan.variants(p.model)[static_cast<std::size_t>(p.variant)]},
                 *plan.hw_at(p), plan.options_at(p));
    INFO("point " << i);
    CHECK(make_row(p, cache.evaluate(p)).values == make_row(p, fresh).values);
  }
}
