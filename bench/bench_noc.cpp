// Speed of the flit-level mesh NoC (simulator/noc/): synthetic traffic on an 8x8 mesh (2 VCs x 4-flit
// buffers, 2-cycle hops, 4-flit packets), 1,000 warm-up + 10,000 measured cycles and the drain. Counters:
// flit-hops (flits carried by router-to-router links), packets delivered and simulated cycles per wall
// second. Run: build/bench/bench_noc (docs/performance.md).
#include <benchmark/benchmark.h>

#include "simulator/noc/synthetic_run.hpp"

namespace {

void bench_synthetic(benchmark::State& state, neurokv::noc::Traffic traffic, double rate) {
  neurokv::noc::NocParams params;  // 8x8, 2 VCs, 4-flit buffers, 2-cycle hops
  neurokv::noc::SyntheticOptions options;
  options.traffic = traffic;
  options.rate = rate;
  double flit_hops = 0, packets = 0, cycles = 0;
  for (auto _ : state) {
    const neurokv::noc::SyntheticResult result = neurokv::noc::run_synthetic(params, options);
    flit_hops += static_cast<double>(result.flit_hops);
    packets += static_cast<double>(result.packets);
    cycles += static_cast<double>(result.cycles);
  }
  state.counters["flit_hops_per_s"] = benchmark::Counter(flit_hops, benchmark::Counter::kIsRate);
  state.counters["packets_per_s"] = benchmark::Counter(packets, benchmark::Counter::kIsRate);
  state.counters["cycles_per_s"] = benchmark::Counter(cycles, benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK_CAPTURE(bench_synthetic, uniform_0_1, neurokv::noc::Traffic::Uniform, 0.1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bench_synthetic, uniform_0_3, neurokv::noc::Traffic::Uniform, 0.3)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bench_synthetic, uniform_saturated_0_8, neurokv::noc::Traffic::Uniform, 0.8)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bench_synthetic, transpose_0_1, neurokv::noc::Traffic::Transpose, 0.1)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
