#include "compiler/graph/cnn_frontend.hpp"

#include <algorithm>

#include "compiler/ir/cnn_layer.hpp"

namespace neurokv::graph {
namespace {

// The widths the chip's NPs must support: those of every layer an NP runs, i.e. all but the input layer
// (the HRC reads the raw input). A network of its input layer alone gives that layer's.
ir::Precision np_widths(const CnnSpec& spec) {
  ir::Precision bits;
  for (const CnnLayer& layer : spec.layers) {
    if (layer.kind == CnnLayerKind::InputConv && spec.layers.size() > 1) continue;
    bits.weight_bits = std::max(bits.weight_bits, layer.weight_bits);
    bits.act_bits = std::max(bits.act_bits, layer.in_bits);
  }
  return bits;
}

}  // namespace

void build_cnn_graph(const CnnSpec& spec, Graph& graph) {
  ProgramInfo& info = graph[boost::graph_bundle];
  info.model.name = spec.name;
  info.model.layers = static_cast<int>(spec.layers.size());
  info.model.network = ir::Network::Cnn;
  info.variant = "none";  // a CNN has no attention variant
  info.precision = np_widths(spec);
  Vertex previous = 0;
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    const Vertex v = add_op(graph, ir::cnn_layer_op(spec.layers[i], static_cast<int>(i)));
    if (i > 0) connect(graph, previous, v, 0);
    previous = v;
  }
}

}  // namespace neurokv::graph
