// The performance gate (docs/performance.md, "The gate"), run by CI through scripts/perf-gate.sh. It times
// the figures a regression of the count-once work would hurt, and in the same run a fixed reference
// computation (sorting and a map of pseudo-random numbers: allocation and branches, as the compiler's work
// is). Machines and their load differ, so each figure is compared as its ratio to the reference against the
// committed baseline of ratios (bench/perf_gate_baseline.json): more than 2x the baseline ratio fails.
//
//   perf_gate BASELINE [--update] [--benchmark_* flags]
// exits 0 when every ratio is within 2x, 1 when one is not, 2 on a bad baseline or command line; --update
// writes the measured ratios as the new baseline.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "compiler/driver/compile.hpp"
#include "simulator/evaluate/evaluate.hpp"
#include "sweep/table.hpp"

namespace {

using neurokv::AttentionVariant;

constexpr double kAllowed = 2.0;  // a figure may take up to twice its baseline ratio

const neurokv::ModelSpec& model() {
  static const neurokv::ModelSpec m =
      neurokv::load_model("paper-300m", std::string(NEUROKV_SOURCE_DIR) + "/models");
  return m;
}

const neurokv::HwConfig& chip() {
  static const neurokv::HwConfig hw =
      neurokv::load_hw("akida2-like", std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs");
  return hw;
}

const neurokv::ir::Program& program() {
  static const neurokv::ir::Program p =
      neurokv::compile(model(), AttentionVariant::parse("Q-K=V", model().heads), chip(), {}).program;
  return p;
}

// The reference: the same work on every run, unrelated to neurokv's code.
void reference(benchmark::State& state) {
  std::mt19937_64 random(42);
  std::vector<double> values(50000);
  for (double& v : values) v = std::uniform_real_distribution<double>(0, 1)(random);
  for (auto _ : state) {
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    std::map<double, int> index;
    for (size_t i = 0; i < sorted.size(); i += 4) index.emplace(values[i], static_cast<int>(i));
    benchmark::DoNotOptimize(index.size() + static_cast<size_t>(sorted.front()));
  }
}

// A structural sweep point's compile.
void compile_300m(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        neurokv::compile(model(), AttentionVariant::parse("QKV", model().heads), chip(), {})
            .program.ops.size());
  }
}

// Counting: the tile-level walk a sweep does once per program and counting keys.
void count_300m(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(neurokv::count_analytic(program(), chip(), {}).estimate.decode.size());
  }
}

// A cost-only sweep point: costing counted waves, and its row.
void cost_point_300m(benchmark::State& state) {
  const neurokv::AnalyticCounts counts = neurokv::count_analytic(program(), chip(), {});
  neurokv::sweep::SweepPoint point;
  point.context = program().context;
  for (auto _ : state) {
    neurokv::Report report = neurokv::report_for(program(), chip(), {});
    report.variants.push_back(neurokv::cost_analytic(counts, chip()));
    benchmark::DoNotOptimize(neurokv::sweep::make_row(point, report).values.size());
  }
}

// Records each benchmark's fastest real time (microseconds) while printing as usual.
class FastestReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> fastest_us;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "min")
        fastest_us[run.run_name.function_name] = run.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

int gate(const std::string& baseline_path, bool update) {
  FastestReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (!reporter.fastest_us.count("reference")) {
    fmt::print(stderr, "perf_gate: the reference did not run, expected a --benchmark_filter that keeps it\n");
    return 2;
  }
  const double ref = reporter.fastest_us.at("reference");
  nlohmann::json measured = nlohmann::json::object();
  for (const auto& [name, us] : reporter.fastest_us) {
    if (name != "reference") measured[name] = us / ref;
  }
  if (update) {
    std::ofstream(baseline_path) << measured.dump(2) << "\n";
    fmt::print("perf_gate: wrote {} ratios to {}\n", measured.size(), baseline_path);
    return 0;
  }
  nlohmann::json baseline;
  try {
    std::ifstream in(baseline_path);
    if (!in) throw std::runtime_error("cannot open it");
    baseline = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    fmt::print(stderr,
               "perf_gate: {}: {}, expected a JSON object of ratios (run with --update to write one)\n",
               baseline_path, e.what());
    return 2;
  }
  int failed = 0;
  for (const auto& [name, ratio] : measured.items()) {
    if (!baseline.contains(name) || !baseline[name].is_number()) {
      fmt::print(stderr, "perf_gate: {}: no baseline ratio for '{}', expected one per figure\n",
                 baseline_path, name);
      return 2;
    }
    const double base = baseline[name].get<double>();
    const double factor = ratio.get<double>() / base;
    const bool ok = factor <= kAllowed;
    failed += ok ? 0 : 1;
    fmt::print("perf_gate: {:<16} {:9.4f} x reference (baseline {:9.4f}): {:.2f}x the baseline, {}\n", name,
               ratio.get<double>(), base, factor, ok ? "ok" : "REGRESSION");
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace

// The fastest of seven runs of each: the least disturbed by other work on the machine.
double fastest(const std::vector<double>& times) { return *std::min_element(times.begin(), times.end()); }

BENCHMARK(reference)->Unit(benchmark::kMicrosecond)->Repetitions(7)->ComputeStatistics("min", fastest);
BENCHMARK(compile_300m)->Unit(benchmark::kMicrosecond)->Repetitions(7)->ComputeStatistics("min", fastest);
BENCHMARK(count_300m)->Unit(benchmark::kMicrosecond)->Repetitions(7)->ComputeStatistics("min", fastest);
BENCHMARK(cost_point_300m)->Unit(benchmark::kMicrosecond)->Repetitions(7)->ComputeStatistics("min", fastest);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::string baseline;
  bool update = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--update") {
      update = true;
    } else if (baseline.empty() && arg.rfind("--", 0) != 0) {
      baseline = arg;
    } else {
      fmt::print(stderr, "perf_gate: unexpected argument '{}', expected BASELINE [--update]\n", arg);
      return 2;
    }
  }
  if (baseline.empty()) {
    fmt::print(stderr, "perf_gate: no baseline file, expected BASELINE [--update]\n");
    return 2;
  }
  return gate(baseline, update);
}
