// Speed of the flit-level mesh NoC (simulator/noc/): synthetic traffic on an 8x8 mesh (2 VCs x 4-flit
// buffers, 2-cycle hops, 4-flit packets), 1,000 warm-up + 10,000 measured cycles and the drain. Counters:
// flit-hops (flits carried by router-to-router links), packets delivered and simulated cycles per second of
// the benchmark thread's CPU time. bench_events sends one-flit packets, one per event (as the cycle fidelity
// sends an event, noc.event_bytes being one flit on every shipped chip): events delivered per second, and the
// process's peak resident set so far. bench_load_curve times a latency–load curve (`neurokv noc --rates
// 0.05:0.4:0.05`, eight runs of bench_synthetic's mesh) on 1 and 2 workers, with 4-flit and one-flit packets:
// flit-hops and packets (with one flit, events) per wall second, as the curve's runs are spread over the
// cores. bench_barrier measures what a two-thread mesh would pay per cycle: two threads that each do half of
// a cycle's work and meet at a barrier (spinning, spinning then yielding, or sleeping in a futex after a
// short spin), against one thread doing the whole cycle's work (bench_one_thread); cycles per wall second.
// Run: build/bench/bench_noc (docs/performance.md).
#include <benchmark/benchmark.h>
#include <immintrin.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "simulator/noc/load_curve.hpp"
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

void bench_load_curve(benchmark::State& state) {
  const auto workers = static_cast<std::size_t>(state.range(0));
  const neurokv::noc::NocParams params;
  neurokv::noc::SyntheticOptions options;  // uniform
  options.packet_flits = static_cast<int>(state.range(1));
  const std::vector<double> rates = neurokv::noc::rate_steps("rates", 0.05, 0.4, 0.05);
  double flit_hops = 0, packets = 0;
  for (auto _ : state)
    for (const neurokv::noc::LoadPoint& point :
         neurokv::noc::run_load_curve(params, options, rates, workers)) {
      flit_hops += static_cast<double>(point.result.flit_hops);
      packets += static_cast<double>(point.result.packets);
    }
  state.counters["flit_hops_per_s"] = benchmark::Counter(flit_hops, benchmark::Counter::kIsRate);
  // With one-flit packets, events delivered per wall second (each run drains: every packet is delivered).
  state.counters["packets_per_s"] = benchmark::Counter(packets, benchmark::Counter::kIsRate);
}

// Stands for a cycle's router work: `n` dependent xorshift steps (about 1.7 ns each on the 2-vCPU guest).
uint64_t busy_work(uint64_t state, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
  }
  return state;
}

enum class Wait { Spin, SpinThenYield, Futex };

// A barrier for two threads: the second to arrive opens the next generation; the first waits for it.
class TwoThreadBarrier {
 public:
  explicit TwoThreadBarrier(Wait wait) : wait_(wait) {}
  void arrive_and_wait() {
    const int generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) == 1) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.store(generation + 1, std::memory_order_release);
      if (wait_ == Wait::Futex) syscall(SYS_futex, &generation_, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
      return;
    }
    constexpr int kSpins = 2000;  // about 10 us of pause instructions before yielding or sleeping
    for (int spins = 0; generation_.load(std::memory_order_acquire) == generation; ++spins) {
      if (wait_ == Wait::Spin || spins < kSpins)
        _mm_pause();
      else if (wait_ == Wait::SpinThenYield)
        sched_yield();
      else
        syscall(SYS_futex, &generation_, FUTEX_WAIT_PRIVATE, generation, nullptr, nullptr, 0);
    }
  }

 private:
  std::atomic<int> arrived_{0};
  std::atomic<int> generation_{0};
  Wait wait_;
};

constexpr int kBarrierCycles = 20000;

void bench_one_thread(benchmark::State& state) {
  const int64_t work = state.range(0);
  uint64_t seed = 1;
  for (auto _ : state)
    for (int c = 0; c < kBarrierCycles; ++c) seed = busy_work(seed, 2 * work);
  benchmark::DoNotOptimize(seed);
  state.counters["cycles_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kBarrierCycles, benchmark::Counter::kIsRate);
}

void bench_barrier(benchmark::State& state, Wait wait) {
  const int64_t work = state.range(0);
  for (auto _ : state) {
    TwoThreadBarrier barrier(wait);
    const auto half = [&](uint64_t seed) {
      for (int c = 0; c < kBarrierCycles; ++c) {
        seed = busy_work(seed, work);
        barrier.arrive_and_wait();
      }
      benchmark::DoNotOptimize(seed);
    };
    std::thread other(half, 2);
    half(3);
    other.join();
  }
  state.counters["cycles_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kBarrierCycles, benchmark::Counter::kIsRate);
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

// Workers × packet flits: the 4-flit curve of `neurokv noc --rates`, and the same curve of one-flit packets
// (events).
BENCHMARK(bench_load_curve)
    ->ArgsProduct({{1, 2}, {4, 1}})
    ->ArgNames({"workers", "flits"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Work per half-cycle 0 (the barrier alone) and 3,000 steps (a whole cycle of about 10 us of CPU on one
// thread, as uniform 0.3 costs); wall time, as a split is worth only the wall time it saves.
BENCHMARK(bench_one_thread)->Arg(3000)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bench_barrier, spin, Wait::Spin)
    ->Arg(0)
    ->Arg(3000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bench_barrier, spin_then_yield, Wait::SpinThenYield)
    ->Arg(0)
    ->Arg(3000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bench_barrier, futex, Wait::Futex)
    ->Arg(0)
    ->Arg(3000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
