// Speed of the transaction-level simulator: one decode token at the program's full context (prompt = context
// − 1), on compiled programs. Counters: simulated cycles and events per wall second, tiles per token. Run:
// build/bench/bench_simulate (SYSTEMC_DISABLE_COPYRIGHT_MESSAGE is set by simulate()'s child).
#include <benchmark/benchmark.h>

#include <string>

#include "compiler/config/attention_variant.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/config/model_spec.hpp"
#include "compiler/driver/compile.hpp"
#include "simulator/transaction/simulate.hpp"

namespace {

const std::string kRoot = NEUROKV_SOURCE_DIR;

void bench_decode_token(benchmark::State& state, const std::string& model_name,
                        const std::string& variant_name, int64_t context) {
  const neurokv::HwConfig hw = neurokv::load_hw("akida2-like", kRoot + "/hwconfigs");
  const neurokv::ModelSpec model = neurokv::load_model(model_name, kRoot + "/models");
  neurokv::CompileOptions options;
  options.context = context;
  const auto variant = neurokv::AttentionVariant::parse(variant_name, model.heads);
  const neurokv::ir::Program program = neurokv::compile(model, variant, hw, options).program;
  neurokv::SimOptions sim;
  sim.prompt = context - 1;
  sim.tokens = 1;
  double cycles = 0, events = 0;
  for (auto _ : state) {
    const neurokv::SimulationResult result = neurokv::simulate(program, hw, sim);
    cycles += result.decode.cycles;
    events += result.decode.events;
  }
  size_t tiles = 0;
  for (const auto& op : program.ops) tiles += op.tiles.size();
  state.counters["sim_cycles_per_s"] = benchmark::Counter(cycles, benchmark::Counter::kIsRate);
  state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["tiles"] = static_cast<double>(tiles);
  state.counters["routes"] = static_cast<double>(program.routes.size());
}

}  // namespace

// Wall time: the work happens in simulate()'s child process, which the parent's CPU time does not see.
BENCHMARK_CAPTURE(bench_decode_token, edge_tiny_qkv_512, "edge-tiny", "QKV", 512)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(bench_decode_token, paper_1_2b_qkeqv_2048, "paper-1.2b", "Q-K=V", 2048)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(5);

BENCHMARK_MAIN();
