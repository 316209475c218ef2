// Speed of the flit-level mesh NoC (simulator/noc/): synthetic traffic on an 8x8 mesh (2 VCs x 4-flit
// buffers, 2-cycle hops, 4-flit packets), 1,000 warm-up + 10,000 measured cycles and the drain. Counters:
// flit-hops (flits carried by router-to-router links), packets delivered and simulated cycles per second of
// the benchmark thread's CPU time. bench_events sends one-flit packets, one per event (as the cycle fidelity
// sends an event, noc.event_bytes being one flit on every shipped chip): events delivered per second, and the
// process's peak resident set so far. Run: build/bench/bench_noc (docs/performance.md).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

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

void bench_events(benchmark::State& state, double rate) {
  neurokv::noc::NocParams params;
  neurokv::noc::SyntheticOptions options;
  options.rate = rate;
  options.packet_flits = 1;
  double events = 0, flit_hops = 0;
  for (auto _ : state) {
    const neurokv::noc::SyntheticResult result = neurokv::noc::run_synthetic(params, options);
    events += static_cast<double>(result.packets);  // the run drains: every packet is delivered
    flit_hops += static_cast<double>(result.flit_hops);
  }
  state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["flit_hops_per_s"] = benchmark::Counter(flit_hops, benchmark::Counter::kIsRate);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024;  // ru_maxrss: KiB on Linux
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

BENCHMARK_CAPTURE(bench_events, uniform_one_flit_0_1, 0.1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bench_events, uniform_one_flit_0_4, 0.4)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
