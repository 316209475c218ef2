// Count once, cost many: a program counted at one chip and costed at another that differs in pricing keys
// alone reports exactly what walking its tiles at that chip reports (the tile-level path, evaluate_program),
// byte for byte, for every shipped model, chip and variant.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "compiler/config/attention_variant.hpp"
#include "compiler/driver/compile.hpp"
#include "compiler/support/error.hpp"
#include "simulator/evaluate/evaluate.hpp"
#include "simulator/program_counts.hpp"
#include "simulator/report_render.hpp"
#include "simulator/wave_pass_memo.hpp"
#include "tests/unit/compile_fixtures.hpp"
#include "tests/unit/evaluate_fixtures.hpp"

using namespace neurokv;

namespace {

// The chip with every pricing key moved: counts taken at it must not differ from counts taken at `hw`.
HwConfig repriced(HwConfig hw) {
  hw.clock_hz *= 1.37;
  hw.dram.bandwidth_bytes_per_s *= 0.61;
  hw.dram.latency_ns *= 2.3;
  hw.dram.background_w *= 1.9;
  hw.dram.refresh_w *= 0.4;
  hw.dram.self_refresh_w *= 3.1;
  for (auto& [bits, pj] : hw.energy.mac_pj) pj *= 1.7;
  for (double* pj :
       {&hw.energy.sram_read_pj_per_byte, &hw.energy.sram_write_pj_per_byte, &hw.energy.noc_pj_per_hop_byte,
        &hw.energy.dram_pj_per_byte, &hw.energy.event_pj, &hw.energy.softmax_pj_per_element,
        &hw.energy.np_static_w, &hw.energy.router_static_w, &hw.energy.uncore_static_w}) {
    *pj = *pj * 2.9 + 0.01;
  }
  hw.energy.gate_idle_nps = !hw.energy.gate_idle_nps;
  return hw;
}

std::string rendered(const ir::Program& program, const HwConfig& hw, const EvaluateOptions& options,
                     const VariantReport& variant) {
  Report report = report_for(program, hw, options);
  report.variants.push_back(variant);
  return report_json(report).dump();
}

}  // namespace

TEST_CASE(
    "counts taken at another chip's pricing keys cost exactly as the tile-level path, for every shipped "
    "model, chip, variant and three contexts",
    "[slow]") {
  int compared = 0;
  for (const std::string model_name : {"edge-tiny", "paper-300m", "paper-1.2b"}) {
    const ModelSpec model = test::model(model_name);
    for (const std::string chip_name : {"akida2-like", "akd1000-like", "akd1500-like"}) {
      const HwConfig hw = test::chip(chip_name);
      const HwConfig other = repriced(hw);
      const std::vector<int64_t> contexts{64, 512, model.max_positions};
      for (size_t c = 0; c < contexts.size(); ++c) {
        for (const AttentionVariant& variant :
             AttentionVariant::parse_list("all", model.heads, model.kv_groups)) {
          EvaluateOptions options;
          options.compile.context = contexts[c];
          // The last context also runs a prefill and averages four decode tokens.
          if (c + 1 == contexts.size()) options = test::at(Fidelity::Analytic, contexts[c] - 4, 4);
          options.compile.context = contexts[c];
          CompileResult compiled;
          try {
            compiled = compile(model, variant, hw, options.compile);
          } catch (const MappingError&) {
            continue;  // the model does not fit this chip: no figures to compare
          }
          INFO(model_name << " on " << chip_name << ", " << variant.name() << ", context " << contexts[c]);
          const ir::Program& program = compiled.program;
          const std::string tile_level =
              rendered(program, hw, options, evaluate_program(program, hw, options));
          const std::string other_tile_level =
              rendered(program, other, options, evaluate_program(program, other, options));
          const AnalyticCounts counts = count_analytic(program, other, options);
          CHECK(rendered(program, hw, options, cost_analytic(counts, hw)) == tile_level);
          // And the other way round: counted here, costed there.
          CHECK(rendered(program, other, options,
                         cost_analytic(count_analytic(program, hw, options), other)) == other_tile_level);
          // The same counts costed again: the wave passes kept at hw's DRAM timing, and a second timing.
          CHECK(rendered(program, hw, options, cost_analytic(counts, hw)) == tile_level);
          CHECK(rendered(program, other, options, cost_analytic(counts, other)) == other_tile_level);
          ++compared;
        }
      }
    }
  }
  CHECK(compared >= 3 * 8 * 3);  // at least every model on one chip at every context
}

TEST_CASE("a wave pass is computed once per DRAM timing and kept") {
  WavePassMemo memo;
  int passes = 0;
  const auto pass = [&] {
    ++passes;
    PhaseTotals totals = PhaseTotals::cycles_only(1);
    totals.uncontended_cycles = passes;  // which call made it
    return totals;
  };
  PhaseTotals scratch;
  const PhaseTotals& first = memo.get(2.5, 40, pass, scratch);
  CHECK(first.uncontended_cycles == 1);
  CHECK(&memo.get(2.5, 40, pass, scratch) == &first);
  CHECK(memo.get(2.5, 41, pass, scratch).uncontended_cycles == 2);
  CHECK(memo.get(2.6, 40, pass, scratch).uncontended_cycles == 3);
  CHECK(memo.get(2.5, 40, pass, scratch).uncontended_cycles == 1);
  CHECK(passes == 3);
  // A NaN timing (no order to keep it by) is computed at every call.
  CHECK(memo.get(std::nan(""), 40, pass, scratch).uncontended_cycles == 4);
  CHECK(memo.get(std::nan(""), 40, pass, scratch).uncontended_cycles == 5);
}

TEST_CASE("pricing keys are the keys costing reads and counting does not") {
  for (const char* key : {"clock_hz", "dram.bandwidth_bytes_per_s", "dram.latency_ns", "dram.background_w",
                          "energy.dram_pj_per_byte", "energy.gate_idle_nps", "energy.mac_pj.8"})
    CHECK(pricing_key(key));
  for (const char* key : {"np.mac_lanes", "noc.event_bytes", "noc.link_bytes_per_cycle", "dram.burst_bytes",
                          "softmax.elements_per_cycle", "mesh.cols", "np.input_sram_bytes"})
    CHECK_FALSE(pricing_key(key));
}
