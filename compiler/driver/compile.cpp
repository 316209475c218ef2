#include "compiler/driver/compile.hpp"

#include <fmt/format.h>

#include <chrono>

#include "compiler/graph/frontend.hpp"
#include "compiler/passes/apply_variant.hpp"
#include "compiler/passes/lower.hpp"
#include "compiler/passes/partition.hpp"
#include "compiler/passes/place.hpp"
#include "compiler/passes/plan_kv_cache.hpp"
#include "compiler/passes/quantize.hpp"
#include "compiler/passes/route.hpp"
#include "compiler/passes/schedule.hpp"
#include "compiler/support/error.hpp"

namespace neurokv {
namespace {

// Runs one stage and records its wall time.
template <typename Stage>
auto timed(CompileResult& result, const char* name, Stage&& stage) {
  const auto start = std::chrono::steady_clock::now();
  auto out = stage();
  const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
  result.passes.push_back({name, elapsed.count()});
  return out;
}

CompileResult run_passes(const ModelSource& model, const LayerVariants& variants, const HwConfig& hw,
                         const CompileOptions& options) {
  using namespace passes;
  model.check_variant(variants);
  CompileResult result;
  Notes& notes = result.notes;
  // An imported model's graph is built the same way: the QKV baseline of its shapes, then its own variant.
  Graph g = timed(result, "frontend", [&] { return graph::build_graph(model.spec); });
  g = timed(result, "apply_variant",
            [&] { return apply_variant(std::move(g), variants, options.fuse_kv, notes); });
  const BitWidths bits{options.weight_bits, options.act_bits, options.kv_bits};
  g = timed(result, "quantize", [&] { return quantize(std::move(g), hw, bits, notes); });
  g = timed(result, "plan_kv_cache", [&] { return plan_kv_cache(std::move(g), hw, options.context, notes); });
  g = timed(result, "partition", [&] { return partition(std::move(g), hw, notes); });
  g = timed(result, "place", [&] { return place(std::move(g), hw, notes); });
  g = timed(result, "route", [&] { return route(std::move(g), notes); });
  g = timed(result, "schedule", [&] { return schedule(std::move(g), notes); });
  result.program = timed(result, "lower", [&] { return lower(g, hw); });
  return result;
}

}  // namespace

CompileResult compile(const ModelSource& model, const LayerVariants& variants, const HwConfig& hw,
                      const CompileOptions& options) {
  try {
    return run_passes(model, variants, hw, options);
  } catch (const MappingError& e) {
    // The passes name the op; the reader also needs the files it came from.
    throw MappingError(
        fmt::format("{}: does not fit chip {} ({}): {}", model.spec.file, hw.name, hw.file, e.what()));
  }
}

}  // namespace neurokv
