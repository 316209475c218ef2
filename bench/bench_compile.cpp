// Compile time of paper-1.2b (about 25K tiles) on akida2-like, one benchmark per attention variant.
#include <benchmark/benchmark.h>

#include <string>

#include "compiler/driver/compile.hpp"

namespace {

void compile_variant(benchmark::State& state, const std::string& variant_name) {
  const auto model = neurokv::load_model("paper-1.2b", std::string(NEUROKV_SOURCE_DIR) + "/models");
  const auto hw = neurokv::load_hw("akida2-like", std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs");
  const auto variant = neurokv::AttentionVariant::parse(variant_name, model.heads);
  std::size_t tiles = 0;
  for (auto _ : state) {
    const auto result = neurokv::compile(model, variant, hw, {});
    tiles = 0;
    for (const auto& op : result.program.ops) tiles += op.tiles.size();
    benchmark::DoNotOptimize(tiles);
  }
  state.counters["tiles"] = static_cast<double>(tiles);
}

}  // namespace

BENCHMARK_CAPTURE(compile_variant, QKV, std::string("QKV"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(compile_variant, Q - K = V, std::string("Q-K=V"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(compile_variant, Q = K - V, std::string("Q=K-V"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(compile_variant, Q = K = V, std::string("Q=K=V"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(compile_variant, GQA - 8, std::string("GQA-8"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(compile_variant, MQA, std::string("MQA"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(compile_variant, Q - GQA - 8, std::string("Q-GQA-8"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(compile_variant, Q - MQA, std::string("Q-MQA"))->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
