#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "compiler/support/error.hpp"
#include "simulator/analytic_estimator.hpp"
#include "simulator/transaction/result_wire.hpp"
#include "simulator/transaction/simulate.hpp"
#include "tests/unit/sim_programs.hpp"

using neurokv::Phase;
using neurokv::SimOptions;
using neurokv::simulate;
using neurokv::SimulationResult;
using neurokv::test::akida2;
using neurokv::test::tiny_program;
using neurokv::test::TinyOptions;

namespace {

// The simulator's decode token at the program's context, next to the analytic estimate of the same phase.
SimulationResult simulate_last_token(const neurokv::ir::Program& program, const neurokv::HwConfig& hw) {
  SimOptions options;
  options.prompt = program.context - 1;
  options.tokens = 1;
  return simulate(program, hw, options);
}

}  // namespace

TEST_CASE("every event sent on the mesh is received, and energy categories add up") {
  const auto hw = akida2();
  SimOptions options;
  options.prompt = 8;
  options.tokens = 3;
  TinyOptions tiny;
  tiny.density = 0.5;
  tiny.streamed = true;
  tiny.kv_in_dram = true;
  const SimulationResult r = simulate(tiny_program(tiny), hw, options);
  CHECK(r.events_sent > 0);
  // Sent: counted by the routers; received: counted by the NPs when a tile consumes its input queue.
  CHECK(r.events_received == Approx(r.events_sent).epsilon(1e-12));
  REQUIRE(r.decode_tokens.size() == 3);
  REQUIRE(r.prefill);
  CHECK(r.prefill->cycles > 0);
  double layer_energy = 0, layer_cycles = 0;
  for (const auto& layer : r.decode_layers) {
    layer_energy += layer.energy.total();
    layer_cycles += layer.cycles;
  }
  CHECK(layer_energy == Approx(r.decode.energy.total()).epsilon(1e-12));
  CHECK(layer_cycles == Approx(r.decode.cycles).epsilon(1e-12));
  const auto& e = r.decode.energy;
  CHECK(e.mac > 0);
  CHECK(e.dram > 0);
  CHECK(e.noc > 0);
  CHECK(e.static_ > 0);
  CHECK(r.decode.activation_sparsity > 0.3);
  CHECK(r.decode.activation_sparsity < 0.7);
  CHECK(r.peak_queue_bytes > 0);
  CHECK(r.peak_np_queue_bytes.size() == static_cast<size_t>(hw.nps_total()));
  // The context grows by one each token: the KV read, and so the cycles, grow too.
  CHECK(r.decode_tokens[2].dram_bytes > r.decode_tokens[0].dram_bytes);
}

TEST_CASE("the same seed gives identical result bytes, another seed draws other events") {
  const auto hw = akida2();
  TinyOptions tiny;
  tiny.density = 0.5;
  const auto program = tiny_program(tiny);
  SimOptions options;
  options.prompt = 4;
  options.tokens = 4;
  options.seed = 7;
  const std::string a = neurokv::transaction::encode(simulate(program, hw, options));
  const std::string b = neurokv::transaction::encode(simulate(program, hw, options));
  CHECK(a == b);
  options.seed = 8;
  const std::string c = neurokv::transaction::encode(simulate(program, hw, options));
  CHECK(a != c);
}

TEST_CASE("simulate() runs many times in one process") {
  const auto hw = akida2();
  const auto program = tiny_program();
  double cycles = -1;
  for (int i = 0; i < 4; ++i) {
    const SimulationResult r = simulate(program, hw, SimOptions{});
    if (cycles >= 0) CHECK(r.cycles == cycles);
    cycles = r.cycles;
  }
  CHECK(cycles > 0);
}

TEST_CASE("with nothing contending, the simulator agrees with the analytic estimate") {
  const auto hw = akida2();
  const auto program = tiny_program();
  const SimulationResult r = simulate_last_token(program, hw);
  const auto estimate = neurokv::estimate_phase(program, hw, Phase::decode(program.context), nullptr);
  CHECK(r.decode.cycles == Approx(estimate.cycles).epsilon(0.02));
  CHECK(r.decode.energy.total() == Approx(estimate.energy.total()).epsilon(0.02));
  CHECK(r.decode.synaptic_ops == Approx(estimate.synaptic_ops).epsilon(1e-9));
  CHECK(r.decode.bound == estimate.bound);
}

TEST_CASE("narrow links make routes queue: both fidelities show it, the uncontended closed form does not") {
  auto hw = akida2();
  hw.noc.link_bytes_per_cycle = 0.05;
  TinyOptions tiny;
  tiny.shared_link = true;  // the four q_proj tiles' outputs share one link
  const auto program = tiny_program(tiny);
  const SimulationResult r = simulate_last_token(program, hw);
  const auto estimate = neurokv::estimate_phase(program, hw, Phase::decode(program.context), nullptr);
  // The estimate's busiest-link term sees the four trains on one link; the uncontended form does not.
  CHECK(r.decode.cycles > 1.5 * estimate.uncontended_cycles);
  CHECK(estimate.cycles == Approx(r.decode.cycles).epsilon(0.10));
  CHECK(r.decode.bound == "noc");
  CHECK(estimate.bound == "noc");
}

TEST_CASE("slow DRAM makes streamed tiles wait: both fidelities show the channel's serial service") {
  auto hw = akida2();
  hw.dram.bandwidth_bytes_per_s = 0.5e9;
  TinyOptions tiny;
  tiny.streamed = true;
  const auto program = tiny_program(tiny);
  const SimulationResult r = simulate_last_token(program, hw);
  const auto estimate = neurokv::estimate_phase(program, hw, Phase::decode(program.context), nullptr);
  CHECK(r.decode.cycles > estimate.uncontended_cycles);
  CHECK(estimate.cycles == Approx(r.decode.cycles).epsilon(0.02));
  CHECK(r.decode.bound == "dram");
  CHECK(estimate.bound == "dram");
}

TEST_CASE("bad options and programs are input errors") {
  const auto hw = akida2();
  auto program = tiny_program();
  SimOptions options;
  options.tokens = 0;
  CHECK_THROWS_AS(simulate(program, hw, options), neurokv::InputError);
  options.tokens = 1;
  options.prompt = program.context;
  CHECK_THROWS_AS(simulate(program, hw, options), neurokv::InputError);
  options.prompt = 0;
  program.ops[0].tiles[0].np = {9, 0, 0};  // off the 8×8 mesh: found by the child, reported as input
  CHECK_THROWS_AS(simulate(program, hw, options), neurokv::InputError);
}

TEST_CASE("traces: Chrome trace JSON with NP, router, DMA and layer tracks, and a VCD") {
  const auto hw = akida2();
  TinyOptions tiny;
  tiny.streamed = true;
  const std::string json_path = "test_sim_trace.json", vcd_path = "test_sim_trace.vcd";
  SimOptions options;
  options.prompt = 2;
  options.tokens = 2;
  options.trace_path = json_path;
  options.vcd_path = vcd_path;
  simulate(tiny_program(tiny), hw, options);
  std::ifstream json_file(json_path);
  const auto trace = nlohmann::json::parse(json_file);
  int tiles = 0, layers = 0, dma = 0, routers = 0;
  for (const auto& event : trace.at("traceEvents")) {
    if (event.at("ph") != "X") continue;
    const std::string name = event.at("name");
    const int tid = event.at("tid");
    tiles += name == "l0.q_proj" && tid < hw.nps_total();
    layers += name == "layer 0";
    dma += tid == (1 << 20);
    routers += tid >= (1 << 19) && tid < (1 << 20);
  }
  CHECK(tiles == 4 * 3);  // four tiles, prefill and two decode tokens
  CHECK(layers == 3);
  CHECK(dma == 2 * 3);
  CHECK(routers > 0);
  std::ifstream vcd(vcd_path);
  std::string header;
  std::getline(vcd, header);
  CHECK(header.find("$date") != std::string::npos);
  std::remove(json_path.c_str());
  std::remove(vcd_path.c_str());
}
