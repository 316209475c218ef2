// The cost equations and the analytic estimator on a hand-built program whose figures are worked out here.
#include <catch2/catch.hpp>

#include "compiler/config/hw_config.hpp"
#include "compiler/driver/compile.hpp"
#include "compiler/ir/mesh.hpp"
#include "simulator/analytic_estimator.hpp"
#include "simulator/report_render.hpp"
#include "simulator/work.hpp"
#include "tests/unit/compile_fixtures.hpp"

using namespace neurokv;

namespace {

HwConfig test_chip() {
  HwConfig hw;
  hw.name = "test";
  hw.clock_hz = 1e9;
  hw.mesh_cols = 2;
  hw.mesh_rows = 2;
  hw.nps_per_node = 4;
  hw.softmax_elements_per_cycle = 4;
  hw.np = {51200, 65536, 16, {8}, {8}, {8, 16}};
  hw.noc = {2, 8, 4};
  hw.dram = {true, 10e9, 100, 64};  // 10 bytes per cycle, 100 cycles latency
  hw.energy.mac_pj = {{8, 0.1}};
  hw.energy.sram_read_pj_per_byte = 1;
  hw.energy.sram_write_pj_per_byte = 2;
  hw.energy.noc_pj_per_hop_byte = 0.5;
  hw.energy.dram_pj_per_byte = 100;
  hw.energy.event_pj = 0.25;
  hw.energy.softmax_pj_per_element = 0.05;
  hw.energy.uncore_static_w = 1.0;  // NPs and routers leak nothing here: static power is 1 W whatever runs
  return hw;
}

// One layer-less program: a 64→32 Linear split in two 16-channel tiles on nodes (0,0) and (1,1), feeding a
// 32-wide Add on node (0,0); the Linear's input density is 0.5.
ir::Program two_op_program(ir::Storage weights) {
  ir::Program p;
  p.model = {"t", 1, 32, 1, 32, 64, 10, 16, ir::Network::Transformer, "", 0};
  p.variant = "QKV";
  p.chip = {"test", 2, 2, 4, 51200, 65536, true, "", ""};
  p.precision = {8, 8, 8};
  p.context = 16;
  ir::Op linear;
  linear.id = 0;
  linear.name = "fc";
  linear.kind = ir::OpKind::Linear;
  linear.in_features = 64;
  linear.out_features = 32;
  linear.bias = true;
  linear.input_density = 0.5;
  linear.weight_bits = 8;
  linear.act_bits = 8;
  linear.weights = weights;
  linear.tiles = {{0, {0, 0, 0}, 0, 16, 16 * 65, 0}, {1, {1, 1, 0}, 16, 32, 16 * 65, 0}};
  ir::Op add;
  add.id = 1;
  add.name = "add";
  add.kind = ir::OpKind::Add;
  add.inputs = {0};
  add.in_features = 32;
  add.out_features = 32;
  add.input_density = 1.0;
  add.act_bits = 8;
  add.tiles = {{0, {0, 0, 1}, 0, 32, 0, 0}};
  p.ops = {linear, add};
  p.routes = {{0, 0, 1, {0}, 0}, {0, 1, 1, {0}, 2}};
  p.decode = {{0, 0, {}, false}, {1, 1, {0}, false}};
  p.prefill = p.decode;
  return p;
}

}  // namespace

TEST_CASE("a Linear tile does events × fan-out MACs and reads that many weights") {
  const HwConfig hw = test_chip();
  const ir::Program p = two_op_program(ir::Storage::Sram);
  const TileWork w = tile_work(p, p.ops[0], p.ops[0].tiles[0], hw, Phase::decode(16), 1);
  CHECK(w.input_events == 32);                    // 64 inputs × density 0.5
  CHECK(w.counts.macs_by_bits.at(8) == 32 * 16);  // events × 16 output channels
  CHECK(w.counts.dense_macs == 64 * 16);
  CHECK(w.compute_cycles == 32);                    // 32 events × ceil(16 / 16 lanes)
  CHECK(w.counts.sram_read_bytes == 32 * 16 + 32);  // weights + events read back from the input buffer
  CHECK(w.counts.sram_write_bytes == 32);           // events written into the input buffer
  CHECK(w.dram_read_bytes == 0);

  const TileWork streamed =
      tile_work(two_op_program(ir::Storage::Dram), p.ops[0], p.ops[0].tiles[0], hw, Phase::decode(16), 1);
  CHECK(streamed.dram_read_bytes == 0);  // the op passed in is the resident one
  const ir::Program dram = two_op_program(ir::Storage::Dram);
  const TileWork loaded = tile_work(dram, dram.ops[0], dram.ops[0].tiles[0], hw, Phase::decode(16), 1);
  CHECK(loaded.dram_read_bytes == 16 * 65);
  CHECK(loaded.counts.dram_bytes == 16 * 65);
}

TEST_CASE("routes carry the consumer's events and cost depth × hop latency plus serialisation") {
  const HwConfig hw = test_chip();
  const ir::Program p = two_op_program(ir::Storage::Sram);
  CHECK(route_events(p, p.routes[1], Phase::decode(16), 1) == 16);  // 16 outputs × Add's density 1.0
  CHECK(route_bytes(p, p.routes[1], hw, Phase::decode(16), 1, false) == 64);
  // A route's depth: links on its XY tree's longest path (ir::MulticastDestinations::depth).
  ir::RouteDestinations destinations(p);
  CHECK(destinations.of(p.routes[1]).depth(ir::route_source(p, p.routes[1])) == 2);
  CHECK(route_cycles(64, 2, hw) == 2 * 2 + 64 / 8);
  CHECK(destinations.of(p.routes[0]).depth(ir::route_source(p, p.routes[0])) == 0);
}

TEST_CASE("the analytic decode step sums waves of compute + route, and DRAM when it dominates") {
  const HwConfig hw = test_chip();
  std::vector<LayerCost> layers;
  const PhaseReport on_chip =
      estimate_phase(two_op_program(ir::Storage::Sram), hw, Phase::decode(16), &layers);
  // wave 0: both Linear tiles run 32 cycles on their own NPs; the longest route is 2×2 + 8 = 12 cycles.
  // wave 1: the Add does 32 elements on 16 lanes = 2 cycles, no routes.
  CHECK(on_chip.cycles == 32 + 12 + 2);
  CHECK(on_chip.bound == "compute");
  CHECK(on_chip.events == 32 + 32 + 64);   // two Linear tiles, and the Add's two 32-wide operands
  CHECK(on_chip.noc_hop_bytes == 64 * 2);  // only the second route crosses links
  CHECK(on_chip.latency_s == Approx(46e-9));
  CHECK(on_chip.activation_sparsity == Approx(1.0 - 128.0 / 192.0));
  const EnergyBreakdown& e = on_chip.energy;
  CHECK(e.mac == Approx((2 * 32 * 16 + 32) * 0.1e-12));  // synops + the Add's elements
  CHECK(e.static_ == Approx(46e-9));
  CHECK(e.total() == Approx(e.mac + e.sram + e.noc + e.dram + e.event + e.softmax + e.static_));
  REQUIRE(layers.size() == 2);  // slot for ops outside blocks, and layer 0
  double layer_energy = 0, layer_cycles = 0;
  for (const LayerCost& layer : layers) {
    layer_energy += layer.energy.total();
    layer_cycles += layer.cycles;
  }
  CHECK(layer_energy == Approx(e.total()));
  CHECK(layer_cycles == on_chip.cycles);

  // Streamed weights: the channel serves the two tiles' 1040 bytes one after the other, each in whole
  // 64-byte bursts (17 × 64 = 1088): 2176 bytes at 10 bytes per cycle + 100 cycles latency = 317.6 cycles;
  // then the NP served last, (1,1,0), still computes its 32 cycles: 349.6 > 44 cycles of compute + route.
  const PhaseReport streamed =
      estimate_phase(two_op_program(ir::Storage::Dram), hw, Phase::decode(16), nullptr);
  CHECK(streamed.cycles == Approx(349.6 + 2));
  CHECK(streamed.uncontended_cycles == Approx(2176 / 10.0 + 100 + 2));  // no serial tail
  CHECK(streamed.bound == "dram");
  CHECK(streamed.dram_bytes == 2 * 1040);
  CHECK(streamed.energy.dram == Approx(2 * 1040 * 100e-12));
}

TEST_CASE("routes that share a link queue for it: the busiest link bounds the wave") {
  const HwConfig hw = test_chip();
  ir::Program p = two_op_program(ir::Storage::Sram);
  p.ops[0].tiles[0].np = {1, 1, 1};  // both Linear tiles on node (1,1): both routes to (0,0) take its links
  const PhaseReport shared = estimate_phase(p, hw, Phase::decode(16), nullptr);
  // Each route alone: 2 hops × 2 + 64 B / 8 = 12 cycles; together they put 128 B on (1,1)→(0,1) and
  // (0,1)→(0,0): 16 cycles of the busiest link.
  CHECK(shared.cycles == 32 + 16 + 2);
  CHECK(shared.uncontended_cycles == 32 + 12 + 2);
  CHECK(shared.bound == "compute");
}

TEST_CASE("prefill runs each op over the prompt's tokens and streams weights once") {
  const HwConfig hw = test_chip();
  const PhaseReport prefill =
      estimate_phase(two_op_program(ir::Storage::Dram), hw, Phase::prefill(10), nullptr);
  CHECK(prefill.dram_bytes == 2 * 1040);
  CHECK(prefill.synaptic_ops == 10 * (2 * 32 * 16 + 32));
  CHECK(prefill.tokens_per_s == Approx(10 / prefill.latency_s));
}

TEST_CASE("the JSON report keeps the schema's names and its energy parts sum to the total") {
  const HwConfig hw = test_chip();
  Report report;
  report.model = {"t", 1, 32, 1, 32, 64, 10, 16, ir::Network::Transformer, "", 0};
  report.hw_name = "test";
  report.fidelity = "analytic";
  report.context = 16;
  report.variants.push_back(estimate(two_op_program(ir::Storage::Sram), hw, EstimateOptions{4}));
  const auto json = report_json(report);
  CHECK(json["schema"] == "neurokv.report/1");
  const auto& v = json["variants"][0];
  for (const char* key : {"variant", "kv_heads", "params", "weight_bytes", "kv_cache_bytes_per_token",
                          "kv_cache_bytes", "kv_cache_reduction", "macs_forward_full", "decode", "prefill"}) {
    INFO(key);
    CHECK(v.contains(key));
  }
  const auto& d = v["decode"];
  for (const char* key : {"macs", "events", "sram_bytes", "dram_bytes", "cycles", "bound", "latency_s",
                          "tokens_per_s", "energy_j", "energy_breakdown_j"}) {
    INFO(key);
    CHECK(d.contains(key));
  }
  double sum = 0;
  for (const auto& [name, joules] : d["energy_breakdown_j"].items()) sum += joules.get<double>();
  CHECK(sum == Approx(d["energy_j"].get<double>()));
  CHECK(v["params"] == 64 * 32 + 32);
  CHECK(v["macs_forward_full"] == 64.0 * 32 * 16);
  const std::string csv = report_csv(report);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 2);
  CHECK(csv.rfind("model,hw,fidelity,context,extrapolated,variant,", 0) == 0);
}

TEST_CASE("on a compiled program, decode appends one row per buffer and reads every cached row") {
  const HwConfig hw = neurokv::test::chip("akida2-like");
  const ModelSpec model = neurokv::test::model("paper-300m");
  for (const char* name : {"QKV", "Q-K=V", "GQA-4"}) {
    INFO(name);
    CompileOptions options;
    options.context = 1024;
    const ir::Program p = compile(model, AttentionVariant::parse(name, 16), hw, options).program;
    int64_t row_bytes = 0;
    for (const ir::Buffer& b : p.buffers) row_bytes += b.bytes_per_token;
    for (const Phase& phase : {Phase::decode(1024), Phase::prefill(64)}) {
      double appended = 0, read = 0;
      for (const ir::Op& op : p.ops) {
        for (const ir::Tile& tile : op.tiles) {
          const TileWork w = tile_work(p, op, tile, hw, phase, phase.tokens);
          const double moved =
              w.dram_read_bytes + w.dram_write_bytes + w.counts.sram_write_bytes + w.counts.sram_read_bytes;
          if (op.kind == ir::OpKind::KvAppend) appended += moved;
          if (op.kind == ir::OpKind::KvRead) read += moved;
        }
      }
      const double rows =
          phase.kind == Phase::Kind::Decode ? 1024 : 64;  // prefill streams the prompt's rows once
      CHECK(appended == Approx(static_cast<double>(row_bytes) * phase.tokens));
      CHECK(read == Approx(static_cast<double>(row_bytes) * rows));  // fused K=V reads the keys once
    }
  }
}
