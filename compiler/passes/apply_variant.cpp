#include "compiler/passes/apply_variant.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace neurokv::passes {
namespace {

using graph::Vertex;

std::string layer_op(int l, const char* what) { return graph::layer_op_name(l, what); }

// Every op that knows the KV-head count and every tensor K or V produces follows g.
void narrow_kv_heads(Graph& graph, int l, int kv_heads) {
  const int64_t width = int64_t{kv_heads} * graph[boost::graph_bundle].model.head_dim;
  for (Vertex v : boost::make_iterator_range(boost::vertices(graph))) {
    ir::Op& op = graph[v];
    if (op.layer != l) continue;
    if (op.heads > 0) op.kv_heads = kv_heads;
    if (!graph::carries_kv(op)) continue;
    if (op.kind != ir::OpKind::Linear) op.in_features = width;
    graph::set_out_features(graph, v, width);
  }
}

// K=V: the value operand of P·V becomes the keys (one shared read when fused, a second read of the keys
// buffer otherwise), and the V projection with its cache path disappears.
void values_from_keys(Graph& graph, int l, bool fuse_kv) {
  const Vertex value = graph::find_op(graph, layer_op(l, "attn_value"));
  const Vertex k_read = graph::find_op(graph, layer_op(l, "k_read"));
  Vertex values = k_read;
  if (!fuse_kv) {
    ir::Op second = graph[k_read];
    second.name = layer_op(l, "k_read_for_value");
    values = graph::add_op(graph, second);
    graph::connect(graph, graph::find_op(graph, layer_op(l, "k_append")), values, 0, /*via_buffer=*/true);
  }
  graph::connect(graph, values, value, 1);
  for (const char* gone : {"v_read", "v_append", "v_proj"})
    graph::remove_op(graph, graph::find_op(graph, layer_op(l, gone)));
}

// Q=K: the new token's key is the query.
void queries_from_keys(Graph& graph, int l) {
  graph::connect(graph, graph::find_op(graph, layer_op(l, "k_proj")),
                 graph::find_op(graph, layer_op(l, "attn_score")), 0);
  graph::remove_op(graph, graph::find_op(graph, layer_op(l, "q_proj")));
}

// Drops the values buffers of the K=V layers and renumbers the buffer references of the ops that remain.
void drop_values_buffers(Graph& graph, const std::vector<AttentionVariant>& layers) {
  std::vector<ir::Buffer>& buffers = graph[boost::graph_bundle].buffers;
  std::map<int, int> renumbered;
  std::vector<ir::Buffer> kept;
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    const ir::Buffer& buffer = buffers[i];
    if (buffer.role == ir::BufferRole::Values &&
        layers.at(static_cast<std::size_t>(buffer.layer)).values_are_keys()) {
      continue;
    }
    renumbered[static_cast<int>(i)] = static_cast<int>(kept.size());
    kept.push_back(buffer);
  }
  buffers = std::move(kept);
  for (Vertex v : boost::make_iterator_range(boost::vertices(graph))) {
    int& buffer = graph[v].buffer;
    if (buffer >= 0) buffer = renumbered.at(buffer);
  }
}

}  // namespace

Graph apply_variant(Graph graph, const LayerVariants& variants, bool fuse_kv, Diagnostics& diagnostics) {
  graph::ProgramInfo& info = graph[boost::graph_bundle];
  const std::vector<AttentionVariant> layers = variants.for_layers(info.model.layers);
  const bool any_kv_tied = std::any_of(layers.begin(), layers.end(),
                                       [](const AttentionVariant& v) { return v.values_are_keys(); });
  info.variant = variants.name();
  info.kv_heads = variants.kv_heads();
  info.fused_kv = any_kv_tied && fuse_kv;
  for (int l = 0; l < info.model.layers; ++l) {
    const AttentionVariant& variant = layers[static_cast<std::size_t>(l)];
    if (variant.values_are_keys()) values_from_keys(graph, l, fuse_kv);
    if (variant.queries_are_keys()) queries_from_keys(graph, l);
    if (variant.kv_heads() != info.model.heads) narrow_kv_heads(graph, l, variant.kv_heads());
  }
  drop_values_buffers(graph, layers);
  for (ir::Buffer& buffer : info.buffers)
    buffer.kv_heads = layers.at(static_cast<std::size_t>(buffer.layer)).kv_heads();
  if (any_kv_tied && !fuse_kv) {
    diagnostics.push_back(Diagnostic::note(
        fmt::format("{}: unfused K=V, QKᵀ and P·V each read the keys buffer", variants.name())));
  }
  return graph;
}

}  // namespace neurokv::passes
