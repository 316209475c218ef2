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
#include "simulator/layer_classes.hpp"
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

namespace {

void check_same(const PhaseCounts& a, const PhaseCounts& b) {
  REQUIRE(a.layer_counts.size() == b.layer_counts.size());
  for (size_t slot = 0; slot < a.layer_counts.size(); ++slot) {
    INFO("slot " << slot);
    CHECK(a.layer_counts[slot].macs_by_bits == b.layer_counts[slot].macs_by_bits);
    for (double ActionCounts::*field : ActionCounts::scalar_fields())
      CHECK(a.layer_counts[slot].*field == b.layer_counts[slot].*field);
  }
  REQUIRE(a.waves.size() == b.waves.size());
  for (size_t w = 0; w < a.waves.size(); ++w) {
    INFO("wave " << w);
    CHECK(a.waves[w].compute == b.waves[w].compute);
    CHECK(a.waves[w].route == b.waves[w].route);
    CHECK(a.waves[w].link == b.waves[w].link);
    CHECK(a.waves[w].dram_bytes == b.waves[w].dram_bytes);
    CHECK(a.waves[w].dram_tail == b.waves[w].dram_tail);
    CHECK(a.waves[w].slot == b.waves[w].slot);
  }
}

// Each phase counted per layer class and per layer: the same figures, bit for bit.
void check_sharing(const ir::Program& program, const HwConfig& hw) {
  for (const Phase& phase : {Phase::decode(program.context), Phase::prefill(64), Phase::prefill(256, 64)}) {
    INFO("phase tokens " << phase.tokens << ", chunk " << phase.chunk);
    check_same(count_phase(program, hw, phase, LayerSharing::ByClass),
               count_phase(program, hw, phase, LayerSharing::PerLayer));
  }
}

// By op, layer_classes of the program.
std::vector<int> classes(const ir::Program& program) {
  return layer_classes(program, RoutesBySource(program), repeated_kv_deliveries(program));
}

ir::Program compiled_at_512(const ModelSpec& model, const char* variant, const HwConfig& hw) {
  CompileOptions options;
  options.context = 512;
  return compile(model, AttentionVariant::parse_list(variant, model.heads, model.kv_groups).at(0), hw,
                 options)
      .program;
}

int op_named(const ir::Program& program, const std::string& name) {
  for (const ir::Op& op : program.ops) {
    if (op.name == name) return op.id;
  }
  FAIL("no op " << name);
  return -1;
}

}  // namespace

TEST_CASE("layers count per class only where they count alike, with each layer's own placement") {
  const HwConfig hw = test::chip("akida2-like");
  const ModelSpec model = test::model("paper-300m");
  for (const char* variant : {"QKV", "Q-K=V"}) {
    INFO(variant);
    const ir::Program program = compiled_at_512(model, variant, hw);
    // paper-300m's layers are alike but for which layers keep their attention weights in SRAM: a few
    // classes, each op counting as one of the same kind and storage at the same place of its class's first.
    const std::vector<int> counted_as = classes(program);
    std::vector<int> first_of(static_cast<size_t>(model.layers), -1);
    for (const ir::Op& op : program.ops) {
      if (op.layer < 0) continue;
      const ir::Op& counted = program.ops[counted_as[op.id]];
      CHECK(counted.kind == op.kind);
      CHECK(counted.weights == op.weights);
      CHECK(counted.layer <= op.layer);
      first_of[op.layer] = counted.layer;
    }
    int firsts = 0;  // layers that count for their class
    for (int layer = 0; layer < model.layers; ++layer) firsts += first_of[layer] == layer ? 1 : 0;
    CHECK(firsts >= 2);
    CHECK(firsts <= 6);
    // ... and sit on different NPs, so their hops differ: the shared figures are not the whole count.
    const PhaseCounts decode = count_phase(program, hw, Phase::decode(512));
    bool hops_differ = false;
    for (int layer = 0; layer < model.layers; ++layer) {
      const ActionCounts& own = decode.layer_counts[layer + 1];
      const ActionCounts& first = decode.layer_counts[first_of[layer] + 1];
      CHECK(own.events == first.events);
      hops_differ = hops_differ || own.noc_hop_bytes != first.noc_hop_bytes;
    }
    CHECK(hops_differ);
    check_sharing(program, hw);

    // Layers made to differ in what counting reads leave their class.
    ir::Program varied = program;
    varied.ops[op_named(varied, "l3.mlp_up")].input_density *= 0.5;
    for (ir::Op& op : varied.ops) {
      if (op.layer == 5 && (op.kind == ir::OpKind::AttnScore || op.kind == ir::OpKind::AttnValue ||
                            op.kind == ir::OpKind::Softmax))
        op.window = 128;
    }
    varied.ops[op_named(varied, "l7.mlp_down")].tiles.back().out_end -= 1;
    const std::vector<int> varied_as = classes(varied);
    for (const char* name : {"l3.mlp_up", "l5.attn_score", "l7.mlp_down"}) {
      INFO(name);
      const int id = op_named(varied, name);
      CHECK(varied_as[id] == id);
    }
    CHECK(varied_as[op_named(varied, "l4.mlp_up")] != op_named(varied, "l4.mlp_up"));
    const PhaseCounts varied_decode = count_phase(varied, hw, Phase::decode(512));
    CHECK(varied_decode.layer_counts[4].events != varied_decode.layer_counts[3].events);          // layer 3
    CHECK(varied_decode.layer_counts[6].events != varied_decode.layer_counts[5].events);          // layer 5
    CHECK(varied_decode.layer_counts[8].dense_macs != varied_decode.layer_counts[7].dense_macs);  // layer 7
    check_sharing(varied, hw);
  }
}

TEST_CASE("a prefill counted on its own program takes its layer classes from that program") {
  // With measured densities the decode and the prefill programs differ in densities only, and layers alike
  // in one may differ in the other: the prefill must count as if counted on its own.
  const HwConfig hw = test::chip("akida2-like");
  const ModelSpec model = test::model("paper-300m");
  const ir::Program decode = compiled_at_512(model, "QKV", hw);
  ir::Program prefill = decode;
  const int up = op_named(prefill, "l3.mlp_up");
  REQUIRE(classes(decode)[up] != up);  // layer 3 counts as an earlier layer in the decode program
  prefill.ops[up].input_density *= 0.5;
  const EstimateOptions estimate{1, 1};
  const ProgramCounts both = count_program(decode, prefill, hw, estimate);
  const ProgramCounts alone = count_program(prefill, hw, estimate);
  REQUIRE(both.prefill);
  REQUIRE(alone.prefill);
  REQUIRE_FALSE(both.prefill->phase.spills());  // a chunked prefill counts every layer alone anyway
  check_same(*both.prefill, *alone.prefill);
  CHECK(both.prefill->layer_counts[4].events != both.prefill->layer_counts[3].events);
}
