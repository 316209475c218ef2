// The DRAM command model's speed: requests (and bursts) simulated per wall second for the synthetic streams
// of `neurokv dram`, on one LPDDR4-3200 channel (docs/performance.md, "DRAM command model").
#include <benchmark/benchmark.h>

#include "simulator/dram/device.hpp"
#include "simulator/dram/traffic.hpp"

namespace {

void dram_stream(benchmark::State& state, neurokv::dram::Pattern pattern, int64_t bytes, int64_t gap) {
  const neurokv::dram::Device& device = neurokv::dram::find_device("lpddr4-3200");
  neurokv::dram::TrafficSpec spec;
  spec.pattern = pattern;
  spec.requests = 100000;
  spec.bytes = bytes;
  spec.gap_cycles = gap;
  int64_t bursts = 0;
  int64_t cycles = 0;
  for (auto _ : state) {
    const auto result = neurokv::dram::run_traffic(device, {}, spec);
    bursts += result.stats.bursts;
    cycles += result.stats.end_cycle;
    benchmark::DoNotOptimize(result.bytes_per_s);
  }
  state.counters["requests/s"] = benchmark::Counter(static_cast<double>(spec.requests * state.iterations()),
                                                    benchmark::Counter::kIsRate);
  state.counters["bursts/s"] = benchmark::Counter(static_cast<double>(bursts), benchmark::Counter::kIsRate);
  state.counters["dram_cycles/s"] =
      benchmark::Counter(static_cast<double>(cycles), benchmark::Counter::kIsRate);
}

}  // namespace

// A saturating stream (everything handed over at cycle 0: the queue stays full, the scheduler scans 32
// bursts).
BENCHMARK_CAPTURE(dram_stream, sequential_64B, neurokv::dram::Pattern::kSequential, 64, 0)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(dram_stream, random_32B, neurokv::dram::Pattern::kRandom, 32, 0)
    ->Unit(benchmark::kMillisecond);
// A light load (one request every 200 cycles): the clock skips the idle cycles.
BENCHMARK_CAPTURE(dram_stream, random_32B_gap200, neurokv::dram::Pattern::kRandom, 32, 200)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
