#include "compiler/passes/quantize.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "compiler/ir/op_kind.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::passes {
namespace {

int choose(const char* flag, int requested, int fallback, const std::vector<int>& supported,
           const HwConfig& hw) {
  const int bits = requested == 0 ? fallback : requested;
  if (std::find(supported.begin(), supported.end(), bits) == supported.end()) {
    throw InputError(
        fmt::format("{} {}: chip {} supports {} bits", flag, bits, hw.name, fmt::join(supported, ", ")));
  }
  return bits;
}

// Not asked for: the narrowest KV width the chip lists that holds an activation whole.
int default_kv_bits(int act_bits, const HwConfig& hw) {
  const auto wide_enough =
      std::find_if(hw.np.kv_bits.begin(), hw.np.kv_bits.end(), [&](int bits) { return bits >= act_bits; });
  if (wide_enough == hw.np.kv_bits.end()) {
    throw InputError(
        fmt::format("--kv-bits not given: the KV cache defaults to the narrowest width of at least the {} "
                    "activation bits, chip {} supports {} bits; give --kv-bits",
                    act_bits, hw.name, fmt::join(hw.np.kv_bits, ", ")));
  }
  return *wide_enough;  // the loader sorts the list
}

}  // namespace

void quantize(Graph& graph, const HwConfig& hw, const BitWidths& requested, Diagnostics& diagnostics) {
  ir::Precision& precision = graph[boost::graph_bundle].precision;
  precision.weight_bits =
      choose("--weight-bits", requested.weight_bits, hw.widest_weight_bits(), hw.np.weight_bits, hw);
  precision.act_bits =
      choose("--act-bits", requested.act_bits, hw.widest_activation_bits(), hw.np.activation_bits, hw);
  precision.kv_bits = requested.kv_bits != 0 ? choose("--kv-bits", requested.kv_bits, 0, hw.np.kv_bits, hw)
                                             : default_kv_bits(precision.act_bits, hw);
  for (graph::Vertex v : boost::make_iterator_range(boost::vertices(graph))) {
    ir::Op& op = graph[v];
    op.weight_bits = ir::has_weights(op.kind) ? precision.weight_bits : 0;
    // Cache rows travel at the cache's storage width.
    const bool cache_rows = ir::op_kind_traits(op.kind).uses_kv_buffer;
    op.act_bits = cache_rows ? precision.kv_bits : precision.act_bits;
  }
  for (graph::Edge e : boost::make_iterator_range(boost::edges(graph))) {
    graph[e].bits = graph[boost::source(e, graph)].act_bits;
  }
  for (ir::Buffer& buffer : graph[boost::graph_bundle].buffers) buffer.bits = precision.kv_bits;
  diagnostics.push_back(
      Diagnostic::note(fmt::format("precision: {}-bit weights, {}-bit activations, {}-bit KV cache",
                                   precision.weight_bits, precision.act_bits, precision.kv_bits)));
}

}  // namespace neurokv::passes
