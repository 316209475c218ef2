#include "compiler/driver/compile.hpp"

#include <fmt/format.h>

#include <chrono>
#include <type_traits>

#include "compiler/driver/pass_text.hpp"
#include "compiler/graph/cnn_frontend.hpp"
#include "compiler/graph/frontend.hpp"
#include "compiler/graph/graph_text.hpp"
#include "compiler/ir/printer.hpp"
#include "compiler/passes/apply_variant.hpp"
#include "compiler/passes/lower.hpp"
#include "compiler/passes/map_cnn.hpp"
#include "compiler/passes/partition.hpp"
#include "compiler/passes/place.hpp"
#include "compiler/passes/plan_kv_cache.hpp"
#include "compiler/passes/quantize.hpp"
#include "compiler/passes/route.hpp"
#include "compiler/passes/schedule.hpp"
#include "compiler/passes/tile_cnn.hpp"
#include "compiler/support/error.hpp"

namespace neurokv {
namespace {

// The IR texts asked for: `wanted` names the stages whose output is kept.
struct TextSink {
  const std::set<std::string>* wanted = nullptr;
  std::vector<PassText>* texts = nullptr;

  template <typename Render>
  void keep(const char* pass, Render&& render) const {
    if (wanted && wanted->count(pass)) texts->push_back({pass, render()});
  }
};

// Runs one stage, records its wall time and keeps its output's text when asked.
template <typename Output, typename Stage>
void timed(CompileResult& result, const TextSink& sink, const char* name, const Output& out, Stage&& stage) {
  const auto start = std::chrono::steady_clock::now();
  stage();
  const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
  result.passes.push_back({name, elapsed.count()});
  if constexpr (std::is_same_v<Output, ir::Program>) {
    sink.keep(name, [&] { return ir::print_program(out); });
  } else {
    sink.keep(name, [&] { return graph::graph_to_text(out); });
  }
}

// The front of the pipeline: what it makes reads the model, the variants, the bit widths and the chip's lists
// of widths, never the context or a numeric chip key.
void run_front(const ModelSource& model, const LayerVariants& variants, const HwConfig& hw,
               const CompileOptions& options, const TextSink& sink, passes::Graph& g, CompileResult& result) {
  using namespace passes;
  model.check_variant(variants);
  Diagnostics& notes = result.diagnostics;
  // An imported model's graph is built the same way: the QKV baseline of its shapes, then its own variant.
  timed(result, sink, "frontend", g, [&] { graph::build_graph(model.spec, g); });
  timed(result, sink, "apply_variant", g, [&] {
    apply_variant(g, variants, options.fuse_kv, notes, model.spec.kv_shared_from,
                  model.spec.k_eq_v_rope == KeqVRope::OnRead);
  });
  const BitWidths bits{options.weight_bits, options.act_bits, options.kv_bits};
  timed(result, sink, "quantize", g, [&] { quantize(g, hw, bits, notes); });
}

// The rest: the KV cache, tiles, places, routes and schedule at this chip and context, lowered to the IR.
void run_back(passes::Graph& g, const HwConfig& hw, const CompileOptions& options, const TextSink& sink,
              CompileResult& result) {
  using namespace passes;
  Diagnostics& notes = result.diagnostics;
  timed(result, sink, "plan_kv_cache", g, [&] { plan_kv_cache(g, hw, options.context, notes); });
  timed(result, sink, "partition", g, [&] { partition(g, hw, notes); });
  timed(result, sink, "place", g, [&] { place(g, hw, notes); });
  timed(result, sink, "route", g, [&] { route(g, notes); });
  timed(result, sink, "schedule", g, [&] { schedule(g, notes); });
  timed(result, sink, "lower", result.program, [&] { result.program = lower(g, hw); });
}

// Runs `run`, naming the model and chip files in a MappingError: the passes name the op; the reader also
// needs the files it came from.
template <typename Run>
auto naming_files(const ModelSource& model, const HwConfig& hw, Run&& run) {
  try {
    return run();
  } catch (const MappingError& e) {
    throw MappingError(
        fmt::format("{}: does not fit chip {} ({}): {}", model.spec.file, hw.name, hw.file, e.what()));
  }
}

CompileResult compile_with(const ModelSource& model, const LayerVariants& variants, const HwConfig& hw,
                           const CompileOptions& options, const TextSink& sink) {
  return naming_files(model, hw, [&] {
    CompileResult result;
    passes::Graph g;
    run_front(model, variants, hw, options, sink, g, result);
    run_back(g, hw, options, sink, result);
    return result;
  });
}

CompileResult run_cnn_passes(const CnnSpec& spec, const HwConfig& hw, passes::MapMode mode,
                             const TextSink& sink) {
  using namespace passes;
  CompileResult result;
  Graph g;
  timed(result, sink, "frontend", g, [&] { graph::build_cnn_graph(spec, g); });
  timed(result, sink, "map_cnn", g, [&] { tile_cnn(g, map_cnn(spec, hw, mode), result.diagnostics); });
  timed(result, sink, "schedule", g, [&] { schedule(g, result.diagnostics); });
  timed(result, sink, "lower", result.program, [&] { result.program = lower(g, hw); });
  return result;
}

CompileResult compile_cnn_with(const CnnSpec& spec, const HwConfig& hw, const std::string& map_mode,
                               const TextSink& sink) {
  const passes::MapMode mode = passes::parse_map_mode(map_mode, "--map-mode");
  try {
    return run_cnn_passes(spec, hw, mode, sink);
  } catch (const MappingError& e) {
    throw MappingError(
        fmt::format("{}: does not fit chip {} ({}): {}", spec.file, hw.name, hw.file, e.what()));
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: on chip {} ({}): {}", spec.file, hw.name, hw.file, e.what()));
  }
}

}  // namespace

CompileResult compile_cnn(const CnnSpec& spec, const HwConfig& hw, const std::string& map_mode) {
  return compile_cnn_with(spec, hw, map_mode, TextSink{});
}

CompileResult compile_cnn(const CnnSpec& spec, const HwConfig& hw, const std::string& map_mode,
                          const std::set<std::string>& print_after, std::vector<PassText>& texts) {
  return compile_cnn_with(spec, hw, map_mode, TextSink{&print_after, &texts});
}

const std::vector<std::string>& cnn_compile_pass_names() {
  static const std::vector<std::string> names{"frontend", "map_cnn", "schedule", "lower"};
  return names;
}

CompileResult compile(const ModelSource& model, const LayerVariants& variants, const HwConfig& hw,
                      const CompileOptions& options) {
  return compile_with(model, variants, hw, options, TextSink{});
}

struct FrontGraph {
  passes::Graph graph;
  CompileResult done;  // the front passes' times and notes; no program yet
};

std::shared_ptr<const FrontGraph> compile_front(const ModelSource& model, const LayerVariants& variants,
                                                const HwConfig& hw, const CompileOptions& options) {
  return naming_files(model, hw, [&] {
    auto front = std::make_shared<FrontGraph>();
    run_front(model, variants, hw, options, TextSink{}, front->graph, front->done);
    return std::shared_ptr<const FrontGraph>(std::move(front));
  });
}

CompileResult compile(const ModelSource& model, const FrontGraph& front, const HwConfig& hw,
                      const CompileOptions& options) {
  return naming_files(model, hw, [&] {
    CompileResult result{{}, front.done.passes, front.done.diagnostics};
    passes::Graph g = front.graph;
    run_back(g, hw, options, TextSink{}, result);
    return result;
  });
}

CompileResult compile(const ModelSource& model, const LayerVariants& variants, const HwConfig& hw,
                      const CompileOptions& options, const std::set<std::string>& print_after,
                      std::vector<PassText>& texts) {
  return compile_with(model, variants, hw, options, TextSink{&print_after, &texts});
}

const std::vector<std::string>& compile_pass_names() {
  static const std::vector<std::string> names{"frontend",      "apply_variant", "quantize",
                                              "plan_kv_cache", "partition",     "place",
                                              "route",         "schedule",      "lower"};
  return names;
}

}  // namespace neurokv
