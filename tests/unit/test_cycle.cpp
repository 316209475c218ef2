// The cycle fidelity (simulator/cycle/): the transaction model's NPs and sequencing on the flit-level mesh
// and the DRAM command model. It agrees with the transaction fidelity where nothing contends, keeps the flit
// and credit books over a whole program, and is deterministic to the byte.
#include <catch2/catch.hpp>

#include "compiler/driver/compile.hpp"
#include "simulator/cycle/simulate_cycle.hpp"
#include "simulator/evaluate/evaluate.hpp"
#include "simulator/noc/synthetic_run.hpp"
#include "simulator/report_render.hpp"
#include "simulator/transaction/result_wire.hpp"
#include "tests/unit/compile_fixtures.hpp"
#include "tests/unit/evaluate_fixtures.hpp"
#include "tests/unit/sim_programs.hpp"

using namespace neurokv;
using neurokv::test::at;

namespace {

ir::Program edge_tiny(const std::string& variant, int64_t context) {
  const ModelSpec model = test::model("edge-tiny");
  CompileOptions options;
  options.context = context;
  return compile(model, AttentionVariant::parse(variant, model.heads), test::chip("akida2-like"), options)
      .program;
}

}  // namespace

TEST_CASE("transaction and cycle agree within 10 % where nothing contends") {
  // The tiny program (sim_programs.hpp): each of four tiles sends to one node one hop away over a link of
  // its own, so no two packets meet in a router; the streamed weights and the cached rows are the only DRAM
  // traffic, one request at a time. What is left between the fidelities is the flit pipeline against the
  // transaction hop latency and the DRAM commands (ACT, tRCD, tCL, bursts) against a fixed latency. One
  // DRAM channel (6.4 GB/s at both fidelities), attached at (0,0): its data reaches the NPs of node (1,1) at
  // 6.4 B per cycle, inside the one flit of 8 B per cycle their node's ejection port takes; akida2-like's
  // four channels would deliver 25.6 B per cycle to that one port, where the flits would queue.
  HwConfig hw = test::akida2();
  hw.dram.channels = 1;
  hw.dram.bandwidth_bytes_per_s = 6.4e9;
  hw.dram.attach_nodes = {0};
  test::TinyOptions options;
  options.streamed = true;
  options.kv_in_dram = true;
  const ir::Program program = test::tiny_program(options);
  const VariantReport transaction = evaluate_program(program, hw, at(Fidelity::Transaction, 8, 3));
  const VariantReport cycle = evaluate_program(program, hw, at(Fidelity::Cycle, 8, 3));
  CHECK(cycle.decode.dram_bytes > 0);
  CHECK(cycle.decode.cycles == Approx(transaction.decode.cycles).epsilon(0.10));
  CHECK(cycle.decode.energy.total() == Approx(transaction.decode.energy.total()).epsilon(0.10));
  // The same work: counted by the shared cost equations at both fidelities.
  CHECK(cycle.decode.macs == transaction.decode.macs);
  CHECK(cycle.decode.events == transaction.decode.events);
  // Every route is unicast here; at cycle fidelity the DRAM data crosses the mesh as well.
  CHECK(cycle.decode.noc_hop_bytes > transaction.decode.noc_hop_bytes);
}

namespace {

// The tiny program's streamed weights on one DRAM channel attached at `node`: the first decode token, with
// no prompt. The chip runs at 1.6 GHz, LPDDR4X-3200's command clock, so every DRAM cycle is a chip cycle.
VariantReport one_channel_at(int node) {
  HwConfig hw = test::akida2();
  hw.clock_hz = 1.6e9;
  hw.dram.channels = 1;
  hw.dram.attach_nodes = {node};
  test::TinyOptions options;
  options.streamed = true;
  return evaluate_program(test::tiny_program(options), hw, at(Fidelity::Cycle, 0, 1));
}

}  // namespace

TEST_CASE("a weight burst's arrival includes its packets' mesh hops") {
  // o_proj's two tiles on NPs (1,1,0) and (1,1,1) stream 64 x 32 weights of 8 bits each: 2048 B, 32 packets
  // of 64 B, 8 flits each on akida2-like's 8-byte links, every one from the channel's node to node (1,1).
  // At node (1,1) itself they do not enter the mesh; from (1,5) each crosses H = 4 links (north to south,
  // one column) through H + 1 routers of P = 2 cycles: its tail reaches the sink (H + 1) x P + (N - 1) =
  // 10 + 7 = 17 cycles after it entered, which is when the NP has it. One channel of LPDDR4X-3200
  // returns a packet (two 32 B bursts of 8 cycles) every 16 cycles, more than the 8 a packet takes to inject,
  // so no packet waits behind another: only the last packet's latency shows, once per token.
  const int cols = 8;
  const VariantReport local = one_channel_at(1 * cols + 1);
  const VariantReport far = one_channel_at(5 * cols + 1);
  CHECK(noc::zero_load_latency(4, 8, 2) == 17);
  CHECK(far.decode.cycles - local.decode.cycles == Approx(17).margin(1e-6));
  // Each weight byte crosses four links, and nothing else differs.
  CHECK(far.decode.dram_bytes == local.decode.dram_bytes);
  CHECK(far.decode.noc_hop_bytes - local.decode.noc_hop_bytes == Approx(4 * local.decode.dram_bytes));
}

TEST_CASE("DRAM data on the mesh: a whole edge-tiny run streaming from DRAM keeps the flit books") {
  // akd1500-like streams edge-tiny's weights from its one channel at node (0,0) to the NPs of a 4 x 2 mesh.
  const HwConfig hw = test::chip("akd1500-like");
  const ModelSpec model = test::model("edge-tiny");
  CompileOptions compile_options;
  compile_options.context = 32;
  const ir::Program program =
      compile(model, AttentionVariant::parse("QKV", model.heads), hw, compile_options).program;
  const SimulationResult sim = cycle::simulate_cycle(program, hw, SimOptions{8, 1, 1, "", ""});
  REQUIRE(sim.fabric.has_value());
  const FabricCounts& f = *sim.fabric;
  CHECK(f.dram_requests > 0);
  // A 64 B packet per piece of a request (16 flits on its 4-byte links): more packets than requests.
  CHECK(f.packets > f.dram_requests);
  CHECK(f.flits_ejected == f.flits_addressed);
  CHECK(f.router_flits_in == f.router_flits_out);
  CHECK(f.router_flits_in == f.flits_injected + f.flit_hops);
  CHECK(f.flow_control.empty());
}

TEST_CASE("a whole edge-tiny run at cycle fidelity: flits in = flits out, credits conserved") {
  const HwConfig hw = test::chip("akida2-like");
  const ir::Program program = edge_tiny("GQA-2", 64);
  const SimulationResult sim = cycle::simulate_cycle(program, hw, SimOptions{16, 2, 1, "", ""});
  REQUIRE(sim.fabric.has_value());
  const FabricCounts& f = *sim.fabric;
  CHECK(f.packets > 1000);
  CHECK(f.flits_injected >= f.packets);
  CHECK(f.flits_ejected == f.flits_addressed);  // every copy of every flit reached its node, none else
  CHECK(f.flits_ejected > f.flits_injected);    // multicast flits were replicated on the way
  CHECK(f.router_flits_in == f.router_flits_out);
  // A flit (or a replicated copy) enters a router's buffer from its interface or over a link.
  CHECK(f.router_flits_in == f.flits_injected + f.flit_hops);
  CHECK(f.flow_control.empty());
  CHECK(sim.events_sent == Approx(sim.events_received));
  // The transaction fidelity has no flits.
  CHECK_FALSE(simulate(program, hw, SimOptions{16, 2, 1, "", ""}).fabric.has_value());
}

TEST_CASE(
    "the cycle fidelity's DRAM requests go through the command model: every burst a hit, miss or "
    "conflict") {
  const HwConfig hw = test::akida2();
  test::TinyOptions options;
  options.streamed = true;
  options.kv_in_dram = true;
  const SimulationResult sim =
      cycle::simulate_cycle(test::tiny_program(options), hw, SimOptions{8, 3, 1, "", ""});
  REQUIRE(sim.fabric.has_value());
  const FabricCounts& f = *sim.fabric;
  CHECK(f.dram_requests > 0);
  CHECK(f.dram_bursts >= f.dram_requests);
  CHECK(f.dram_row_hits + f.dram_row_misses + f.dram_row_conflicts == f.dram_bursts);
  CHECK(f.dram_row_hits > 0);  // a streamed tile's weights fill whole rows
}

TEST_CASE("the cycle fidelity is deterministic to the byte") {
  const HwConfig hw = test::chip("akida2-like");
  const ir::Program program = edge_tiny("Q-K=V", 64);
  const SimOptions options{16, 2, 7, "", ""};
  CHECK(transaction::encode(cycle::simulate_cycle(program, hw, options)) ==
        transaction::encode(cycle::simulate_cycle(program, hw, options)));
  Report a = evaluate_compiled({&program}, hw, at(Fidelity::Cycle, 16, 2));
  Report b = evaluate_compiled({&program}, hw, at(Fidelity::Cycle, 16, 2));
  CHECK(a.fidelity == "cycle");
  CHECK(report_json(a).dump() == report_json(b).dump());
  // The JSON carries the whole run's fabric counts at cycle fidelity, and only there.
  const nlohmann::json fabric = report_json(a)["variants"][0]["fabric"];
  CHECK(fabric["flow_control"] == "ok");
  CHECK(fabric["flits_ejected"] == fabric["flits_addressed"]);
  CHECK_FALSE(report_json(evaluate_compiled({&program}, hw, at(Fidelity::Transaction, 16, 2)))["variants"][0]
                  .contains("fabric"));
}
