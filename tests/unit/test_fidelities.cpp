// The analytic and transaction fidelities price the same work the same way (simulator/work.hpp) and report
// the same quantities: what differs between them is timing, contention and the event draws, nothing else.
#include <algorithm>
#include <catch2/catch.hpp>
#include <future>
#include <map>
#include <vector>

#include "compiler/driver/compile.hpp"
#include "compiler/support/error.hpp"
#include "simulator/analytic_estimator.hpp"
#include "simulator/evaluate/evaluate.hpp"
#include "simulator/report_render.hpp"
#include "simulator/transaction/result_wire.hpp"
#include "simulator/transaction/simulate.hpp"
#include "simulator/work.hpp"
#include "tests/unit/compile_fixtures.hpp"
#include "tests/unit/evaluate_fixtures.hpp"
#include "tests/unit/sim_programs.hpp"

using namespace neurokv;
using neurokv::test::at;

namespace {

ir::Program compiled(const std::string& model_name, const std::string& variant, int64_t context,
                     bool fuse_kv = true) {
  const ModelSpec model = test::model(model_name);
  CompileOptions options;
  options.context = context;
  options.fuse_kv = fuse_kv;
  return compile(model, AttentionVariant::parse(variant, model.heads), test::chip("akida2-like"), options)
      .program;
}

bool kv_row_route(const ir::Program& p, const ir::Route& route, ir::OpKind to) {
  return p.ops.at(route.src_op).kind == ir::OpKind::KvRead && p.ops.at(route.dst_op).kind == to;
}

}  // namespace

TEST_CASE("both fidelities report the static SRAM allocation as peak_np_sram_bytes, the event queue apart") {
  const HwConfig hw = test::chip("akida2-like");
  const ir::Program program = compiled("edge-tiny", "QKV", 256);
  const VariantReport analytic = evaluate_program(program, hw, at(Fidelity::Analytic, 255, 1));
  const VariantReport transaction = evaluate_program(program, hw, at(Fidelity::Transaction, 255, 1));
  // The prefill queues every prompt token's events at once; that is not what the NP allocates.
  CHECK(transaction.memory.peak_np_sram_bytes == analytic.memory.peak_np_sram_bytes);
  CHECK(analytic.memory.peak_np_sram_bytes <= hw.np.weight_sram_bytes + hw.np.input_sram_bytes);
  CHECK_FALSE(analytic.memory.peak_event_queue_bytes.has_value());
  REQUIRE(transaction.memory.peak_event_queue_bytes.has_value());
  CHECK(*transaction.memory.peak_event_queue_bytes > 0);
  // Decode tokens only: one token's events fit beside the allocation.
  CHECK(*transaction.memory.peak_event_queue_bytes < hw.np.input_sram_bytes);
}

TEST_CASE("fused K=V sends each K row over the NoC once, at both fidelities") {
  const HwConfig hw = test::chip("akida2-like");
  // Q-MQA: the one KV head's rows sit beside the first query head's tiles; the other heads' tiles reach
  // into the next node, so the rows cross links (with one KV head per query head they would not move at all).
  const ir::Program fused = compiled("edge-tiny", "Q-MQA", 512);
  const ir::Program unfused = compiled("edge-tiny", "Q-MQA", 512, false);
  REQUIRE(fused.fused_kv);
  REQUIRE_FALSE(unfused.fused_kv);
  const Phase phase = Phase::decode(512);
  // Every fused value route reaches only NPs that already hold the rows for their scores.
  const std::vector<bool> repeated = repeated_kv_deliveries(fused);
  double value_route_bytes = 0;
  int value_routes = 0;
  for (size_t i = 0; i < fused.routes.size(); ++i) {
    const ir::Route& route = fused.routes[i];
    if (!kv_row_route(fused, route, ir::OpKind::AttnValue)) {
      CHECK_FALSE(repeated[i]);
      continue;
    }
    ++value_routes;
    CHECK(repeated[i]);
    CHECK(route_bytes(fused, route, hw, phase, 1, repeated[i]) == 0);
    value_route_bytes += route_bytes(fused, route, hw, phase, 1, false) * route.hops;
  }
  REQUIRE(value_routes > 0);
  REQUIRE(value_route_bytes > 0);
  for (bool r : repeated_kv_deliveries(unfused)) CHECK_FALSE(r);

  const PhaseReport a_fused = estimate_phase(fused, hw, phase, nullptr);
  const PhaseReport a_unfused = estimate_phase(unfused, hw, phase, nullptr);
  CHECK(a_fused.noc_hop_bytes < a_unfused.noc_hop_bytes);
  CHECK(a_unfused.noc_hop_bytes - a_fused.noc_hop_bytes == Approx(value_route_bytes).epsilon(1e-12));

  const SimOptions one_token{511, 1, 1, "", ""};
  const SimulationResult c_fused = simulate(fused, hw, one_token);
  const SimulationResult c_unfused = simulate(unfused, hw, one_token);
  CHECK(c_fused.decode.noc_hop_bytes < c_unfused.decode.noc_hop_bytes);
}

TEST_CASE("KV rows are written into the input SRAM where they land, at both fidelities") {
  const HwConfig hw = test::chip("akida2-like");
  test::TinyOptions tiny;
  tiny.kv_in_dram = true;  // density 1: no draws, both fidelities count exactly the same
  const ir::Program program = test::tiny_program(tiny);
  const Phase phase = Phase::decode(program.context);
  double tiles = 0, landed = 0;
  for (const ir::Op& op : program.ops) {
    for (const ir::Tile& tile : op.tiles) {
      const ActionCounts c = tile_work(program, op, tile, hw, phase, 1).counts;
      tiles += c.sram_read_bytes + c.sram_write_bytes;
    }
  }
  for (const ir::Route& route : program.routes) {
    if (program.ops.at(route.src_op).kind != ir::OpKind::KvRead) continue;
    landed += route_bytes(program, route, hw, phase, 1, false) * static_cast<double>(route.dst_tiles.size());
  }
  REQUIRE(landed == 64.0 * 64 * 2);  // 64 rows of 64 B, into both o_proj tiles
  const PhaseReport analytic = estimate_phase(program, hw, phase, nullptr);
  CHECK(analytic.sram_bytes == Approx(tiles + landed).epsilon(1e-12));
  const SimulationResult transaction = simulate(program, hw, SimOptions{program.context - 1, 1, 1, "", ""});
  CHECK(transaction.decode.sram_bytes == Approx(tiles + landed).epsilon(1e-12));
}

TEST_CASE("a prompt and tokens beyond the context are an input error at both fidelities") {
  const HwConfig hw = test::chip("akida2-like");
  const ir::Program program = test::tiny_program();  // context 64
  for (Fidelity fidelity : {Fidelity::Analytic, Fidelity::Transaction}) {
    INFO(to_string(fidelity));
    CHECK_THROWS_AS(evaluate_program(program, hw, at(fidelity, 100000, 1)), InputError);
    CHECK_THROWS_AS(evaluate_program(program, hw, at(fidelity, 64, 1)), InputError);
    CHECK_THROWS_AS(evaluate_program(program, hw, at(fidelity, 60, 5)), InputError);
    CHECK_THROWS_AS(evaluate_program(program, hw, at(fidelity, -1, 1)), InputError);
    CHECK_NOTHROW(evaluate_program(program, hw, at(fidelity, 60, 4)));
  }
  try {
    evaluate_program(program, hw, at(Fidelity::Analytic, 100000, 1));
  } catch (const InputError& e) {
    const std::string message = e.what();
    CHECK(message.find("--prompt 100000") != std::string::npos);
    CHECK(message.find("--context 64") != std::string::npos);
  }
}

TEST_CASE(
    "with several decode tokens, the analytic fidelity averages the contexts the transaction one simulates") {
  const HwConfig hw = test::chip("akida2-like");
  test::TinyOptions tiny;
  tiny.kv_in_dram = true;  // the KV read grows with the context
  const ir::Program program = test::tiny_program(tiny);
  const VariantReport analytic = evaluate_program(program, hw, at(Fidelity::Analytic, 8, 3));
  double dram = 0, cycles = 0;
  for (int64_t context : {9, 10, 11}) {
    const PhaseReport token = estimate_phase(program, hw, Phase::decode(context), nullptr);
    dram += token.dram_bytes / 3;
    cycles += token.cycles / 3;
  }
  CHECK(analytic.decode.dram_bytes == Approx(dram).epsilon(1e-12));
  CHECK(analytic.decode.cycles == Approx(cycles).epsilon(1e-12));
  double layer_cycles = 0;
  for (const LayerCost& layer : analytic.decode_layers) layer_cycles += layer.cycles;
  CHECK(layer_cycles == Approx(analytic.decode.cycles).epsilon(1e-12));
  // The transaction fidelity reads the same KV rows (its DRAM rounds each transfer up to whole bursts).
  const VariantReport transaction = evaluate_program(program, hw, at(Fidelity::Transaction, 8, 3));
  CHECK(transaction.decode.dram_bytes >= analytic.decode.dram_bytes);
  CHECK(transaction.decode.dram_bytes < analytic.decode.dram_bytes + 4 * hw.dram.burst_bytes);
  // One token keeps the estimate's meaning: a decode step at the program's context.
  const VariantReport one = evaluate_program(program, hw, at(Fidelity::Analytic, 8, 1));
  CHECK(one.decode.dram_bytes == Approx(estimate_phase(program, hw, Phase::decode(64), nullptr).dram_bytes));
}

TEST_CASE("simulate() called from four threads at once returns what sequential calls return") {
  const HwConfig hw = test::chip("akida2-like");
  test::TinyOptions tiny;
  tiny.density = 0.5;
  tiny.streamed = true;
  const ir::Program program = test::tiny_program(tiny);
  std::vector<SimOptions> runs;
  for (uint64_t seed = 1; seed <= 4; ++seed) runs.push_back(SimOptions{8, 2, seed, "", ""});
  std::vector<std::string> sequential;
  for (const SimOptions& options : runs)
    sequential.push_back(transaction::encode(simulate(program, hw, options)));
#ifdef __SANITIZE_ADDRESS__
  // ASan's allocator is not fork-safe while other threads allocate: a child forked mid-allocation deadlocks
  // (google/sanitizers#774). The normal build runs the concurrent half; glibc's malloc is fork-safe.
  WARN("concurrent simulate() calls are not exercised under AddressSanitizer");
  return;
#endif
  for (int round = 0; round < 5; ++round) {
    std::vector<std::future<std::string>> concurrent;
    for (const SimOptions& options : runs) {
      concurrent.push_back(std::async(std::launch::async, [&program, &hw, options] {
        return transaction::encode(simulate(program, hw, options));
      }));
    }
    for (size_t i = 0; i < runs.size(); ++i) CHECK(concurrent[i].get() == sequential[i]);
  }
}

TEST_CASE("the events the NPs consume are the events the program's routes carry to their destination tiles") {
  const HwConfig hw = test::chip("akida2-like");
  test::TinyOptions tiny;
  tiny.kv_in_dram = true;  // density 1: the events are exact
  const ir::Program program = test::tiny_program(tiny);
  const SimOptions options{8, 3, 1, "", ""};
  const SimulationResult r = simulate(program, hw, options);
  std::vector<Phase> phases = {Phase::prefill(8)};
  for (int64_t t = 1; t <= 3; ++t) phases.push_back(Phase::decode(8 + t));
  double expected = 0;
  for (const Phase& phase : phases) {
    for (const ir::Route& route : program.routes) {
      const int64_t tokens = step_tokens(program.decode.at(0), phase);
      expected += route_events(program, route, phase, tokens) * static_cast<double>(route.dst_tiles.size());
    }
  }
  REQUIRE(expected > 0);
  CHECK(r.events_sent == Approx(expected).epsilon(1e-12));
  CHECK(r.events_received == Approx(expected).epsilon(1e-12));
}

TEST_CASE("the CSV report carries the prefill figures, empty without a prefill") {
  const HwConfig hw = test::chip("akida2-like");
  const ir::Program program = test::tiny_program();
  const std::vector<std::string> columns = report_csv_columns();
  const auto column = [&](const std::string& name) {
    const auto it = std::find(columns.begin(), columns.end(), name);
    REQUIRE(it != columns.end());
    return static_cast<size_t>(it - columns.begin());
  };
  for (int64_t prompt : {0, 16}) {
    INFO(prompt);
    const EvaluateOptions options = at(Fidelity::Analytic, prompt, 1);
    Report report = report_for(program, hw, options);
    report.variants.push_back(evaluate_program(program, hw, options));
    const std::vector<std::string> values = report_csv_values(report, report.variants.front());
    REQUIRE(values.size() == columns.size());
    const auto& prefill = report.variants.front().prefill;
    for (const char* name :
         {"prefill_cycles", "prefill_latency_s", "prefill_energy_j", "prefill_dram_bytes"}) {
      INFO(name);
      CHECK(values[column(name)].empty() == !prefill.has_value());
    }
    if (prefill) {
      CHECK(std::stod(values[column("prefill_cycles")]) == Approx(prefill->cycles));
      CHECK(std::stod(values[column("prefill_energy_j")]) == Approx(prefill->energy.total()));
    }
    CHECK(std::stod(values[column("decode_energy_static_j")]) ==
          Approx(report.variants.front().decode.energy.static_));
  }
}

TEST_CASE(
    "ActionCounts and EnergyBreakdown list every field once, and adding, scaling and the wire use the list") {
  // A field added to either struct without joining its list changes its size and fails here.
  STATIC_REQUIRE(sizeof(EnergyBreakdown) == EnergyBreakdown::fields().size() * sizeof(double));
  STATIC_REQUIRE(sizeof(ActionCounts) ==
                 sizeof(std::map<int, double>) + ActionCounts::scalar_fields().size() * sizeof(double));
  ActionCounts a;
  double v = 1;
  for (double ActionCounts::*field : ActionCounts::scalar_fields()) a.*field = v++;
  a.macs_by_bits[8] = 100;
  ActionCounts b = a;
  b += a;
  b *= 0.5;
  for (double ActionCounts::*field : ActionCounts::scalar_fields()) CHECK(b.*field == a.*field);
  CHECK(b.macs_by_bits.at(8) == 100);

  EnergyBreakdown e;
  v = 1;
  for (const auto& [name, field] : EnergyBreakdown::fields()) e.*field = v++;
  CHECK(e.total() == 36);  // 1 + ... + 8: six dynamic lines, static, dram_static
  CHECK(e.static_total() == 7 + 8);
  CHECK(e.dynamic() == 21);
  EnergyBreakdown twice = e;
  twice += e;
  CHECK(twice.total() == 72);
  SimulationResult r;
  r.decode.energy = e;
  const SimulationResult back = transaction::decode(transaction::encode(r));
  for (const auto& [name, field] : EnergyBreakdown::fields()) CHECK(back.decode.energy.*field == e.*field);
}

TEST_CASE("evaluate() on several workers reports what one worker reports, variants in order") {
  const ModelSpec model = test::model("edge-tiny");
  std::vector<LayerVariants> variants;
  for (const AttentionVariant& v :
       AttentionVariant::parse_list("all", model.heads, model.kv_groups, model.kv_heads))
    variants.emplace_back(v);
  REQUIRE(variants.size() >= 6);
  const HwConfig hw = test::chip("akida2-like");
  const EvaluateOptions options = at(Fidelity::Analytic, 16, 1);
  const std::string one = report_json(evaluate(model, variants, hw, options, 1)).dump();
  for (std::size_t workers : {2, 3, 16}) {
    INFO(workers << " workers");
    const Report report = evaluate(model, variants, hw, options, workers);
    REQUIRE(report.variants.size() == variants.size());
    for (std::size_t i = 0; i < variants.size(); ++i) CHECK(report.variants[i].variant == variants[i].name());
    CHECK(report_json(report).dump() == one);
  }
  // An evaluation's error reaches the caller from any worker.
  CHECK_THROWS_AS(evaluate(model, variants, hw, at(Fidelity::Analytic, 100000, 1), 2), InputError);
}

TEST_CASE("decode only: the decode tokens' figures of a full run, with no prefill run") {
  const HwConfig hw = test::chip("akida2-like");
  const ir::Program program = compiled("edge-tiny", "Q-K=V", 128);
  for (Fidelity fidelity : {Fidelity::Analytic, Fidelity::Transaction, Fidelity::Cycle}) {
    INFO(to_string(fidelity));
    const VariantReport full = evaluate_program(program, hw, at(fidelity, 31, 2));
    EvaluateOptions options = at(fidelity, 31, 2);
    options.decode_only = true;
    const VariantReport decode_only = evaluate_program(program, hw, options);
    REQUIRE(full.prefill.has_value());
    CHECK(full.prefill->cycles > 0);
    CHECK_FALSE(decode_only.prefill.has_value());
    CHECK_FALSE(decode_only.memory.peak_prefill_event_queue_bytes.has_value());
    CHECK(decode_only.decode.dram_bytes == full.decode.dram_bytes);
    CHECK(decode_only.decode.cycles > 0);
    if (fidelity != Fidelity::Cycle) {
      // Here a decode token costs what it costs after the prefill, to the bit.
      CHECK(decode_only.decode.cycles == full.decode.cycles);
      CHECK(decode_only.decode.energy.total() == full.decode.energy.total());
    } else {
      // The DRAM command model's banks keep their open rows and refresh timing from the prefill: close, not
      // equal in general (docs/simulator.md).
      CHECK(decode_only.decode.cycles == Approx(full.decode.cycles).epsilon(0.01));
      // The cycle fabric's counts are the whole run's: fewer flits without the prefill's.
      REQUIRE(full.fabric.has_value());
      REQUIRE(decode_only.fabric.has_value());
      CHECK(decode_only.fabric->flits_injected < full.fabric->flits_injected);
      CHECK(decode_only.fabric->flow_control.empty());
    }
  }
  // Without a prompt there is no prefill to leave out: an input error, not a silent no-op.
  EvaluateOptions empty_prompt = at(Fidelity::Analytic, 0, 1);
  empty_prompt.decode_only = true;
  CHECK_THROWS_WITH(evaluate_program(program, hw, empty_prompt),
                    Catch::Contains("--decode-only: the prompt is 0 tokens"));
}
