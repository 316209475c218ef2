// The cycle fidelity (simulator/cycle/): the transaction model's NPs and sequencing on the flit-level mesh
// and the DRAM command model. It agrees with the transaction fidelity where nothing contends, keeps the flit
// and credit books over a whole program, and is deterministic to the byte.
#include <catch2/catch.hpp>

#include "compiler/driver/compile.hpp"
#include "simulator/cycle/simulate_cycle.hpp"
#include "simulator/evaluate/evaluate.hpp"
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
  // transaction hop latency and the DRAM commands (ACT, tRCD, tCL, bursts) against a fixed latency.
  const HwConfig hw = test::akida2();
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
  CHECK(cycle.decode.noc_hop_bytes == transaction.decode.noc_hop_bytes);  // every route is unicast here
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
