// The analytic estimator's speed: one decode-step estimate of an already compiled program (what a sweep point
// costs when its compile is shared), for each shipped model's Q-K=V program on akida2-like.
#include <benchmark/benchmark.h>

#include <string>

#include "compiler/driver/compile.hpp"
#include "simulator/analytic_estimator.hpp"

namespace {

void estimate_model(benchmark::State& state, const std::string& model_name) {
  const auto model = neurokv::load_model(model_name, std::string(NEUROKV_SOURCE_DIR) + "/models");
  const auto hw = neurokv::load_hw("akida2-like", std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs");
  const auto program =
      neurokv::compile(model, neurokv::AttentionVariant::parse("Q-K=V", model.heads), hw, {}).program;
  std::size_t tiles = 0;
  for (const auto& op : program.ops) tiles += op.tiles.size();
  for (auto _ : state) {
    const auto report = neurokv::estimate(program, hw, {});
    benchmark::DoNotOptimize(report.decode.cycles);
  }
  state.counters["tiles"] = static_cast<double>(tiles);
  state.counters["routes"] = static_cast<double>(program.routes.size());
}

}  // namespace

BENCHMARK_CAPTURE(estimate_model, edge - tiny, std::string("edge-tiny"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(estimate_model, paper - 300m, std::string("paper-300m"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(estimate_model, paper - 1.2b, std::string("paper-1.2b"))->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
