#include "compiler/passes/apply_variant.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "compiler/support/error.hpp"

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

std::optional<Vertex> find_layer_op(const Graph& graph, int l, const char* what) {
  const std::string wanted = layer_op(l, what);
  for (Vertex v : boost::make_iterator_range(boost::vertices(graph))) {
    if (graph[v].name == wanted) return v;
  }
  return std::nullopt;
}

// K=V: the value operand of P·V becomes the keys (one shared read when fused, a second read of the keys
// buffer otherwise), and the V projection with its cache path disappears (a KV-sharing layer has only the
// read). Under RoPE in Gemma 4's form (`rope_on_read`) the cache holds un-rotated keys, which are the
// values, and the scores rotate every key they read: the keys' rope moves from before k_append to after
// k_read. `keep_write_rope`: the Q=K variants still take the new token's rotated key as the query.
void values_from_keys(Graph& graph, int l, bool fuse_kv, bool rope_on_read, bool keep_write_rope) {
  const Vertex value = graph::find_op(graph, layer_op(l, "attn_value"));
  const Vertex k_read = graph::find_op(graph, layer_op(l, "k_read"));
  const std::optional<Vertex> k_append = find_layer_op(graph, l, "k_append");
  Vertex values = k_read;
  if (!fuse_kv) {
    ir::Op second = graph[k_read];
    second.name = layer_op(l, "k_read_for_value");
    values = graph::add_op(graph, second);
    const Vertex writer = boost::source(*boost::in_edges(k_read, graph).first, graph);
    graph::connect(graph, writer, values, 0, /*via_buffer=*/true);
  }
  graph::connect(graph, values, value, 1);
  if (rope_on_read) {
    if (k_append) {
      const Vertex write_rope = graph::find_op(graph, layer_op(l, "k_rope"));
      const Vertex unrotated = boost::source(graph::inputs_by_slot(graph, write_rope).at(0), graph);
      boost::remove_edge(write_rope, *k_append, graph);
      graph::connect(graph, unrotated, *k_append, 0);
    }
    // The rotation on read: the queries' rope, as wide as the keys read and over the window they cover.
    ir::Op rotate = graph[graph::find_op(graph, layer_op(l, "q_rope"))];
    rotate.name = layer_op(l, "k_rope_read");
    rotate.in_features = rotate.out_features = graph[k_read].out_features;
    rotate.window = graph[k_read].window;
    const Vertex on_read = graph::add_op(graph, rotate);
    const Vertex score = graph::find_op(graph, layer_op(l, "attn_score"));
    const Vertex read = graph::find_op(graph, layer_op(l, "k_read"));  // indices shift as ops are removed
    boost::remove_edge(read, score, graph);
    graph::connect(graph, read, on_read, 0);
    graph::connect(graph, on_read, score, 1);
    if (k_append && !keep_write_rope) graph::remove_op(graph, graph::find_op(graph, layer_op(l, "k_rope")));
  }
  for (const char* gone : {"v_read", "v_append", "v_proj"}) {
    if (const std::optional<Vertex> v = find_layer_op(graph, l, gone)) graph::remove_op(graph, *v);
  }
}

// Q=K: the new token's key is the query (rotated, under RoPE), and the Q projection with its QK-norm and
// RoPE disappears.
void queries_from_keys(Graph& graph, int l) {
  std::optional<Vertex> query = find_layer_op(graph, l, "k_rope");
  if (!query) query = find_layer_op(graph, l, "k_norm");
  if (!query) query = graph::find_op(graph, layer_op(l, "k_proj"));
  graph::connect(graph, *query, graph::find_op(graph, layer_op(l, "attn_score")), 0);
  for (const char* gone : {"q_rope", "q_norm", "q_proj"}) {
    if (const std::optional<Vertex> v = find_layer_op(graph, l, gone)) graph::remove_op(graph, *v);
  }
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

void apply_variant(Graph& graph, const LayerVariants& variants, bool fuse_kv, Diagnostics& diagnostics,
                   const std::vector<int>& kv_shared_from, bool k_eq_v_rope_on_read) {
  graph::ProgramInfo& info = graph[boost::graph_bundle];
  const std::vector<AttentionVariant> layers = variants.for_layers(info.model.layers);
  const bool any_kv_tied = std::any_of(layers.begin(), layers.end(),
                                       [](const AttentionVariant& v) { return v.values_are_keys(); });
  info.variant = variants.name();
  info.kv_heads = variants.kv_heads();
  info.fused_kv = any_kv_tied && fuse_kv;
  for (int l = 0; l < info.model.layers; ++l) {
    const AttentionVariant& variant = layers[static_cast<std::size_t>(l)];
    const int source = kv_shared_from.empty() ? -1 : kv_shared_from.at(static_cast<std::size_t>(l));
    if (source >= 0) {
      const AttentionVariant& own = layers[static_cast<std::size_t>(source)];
      if (variant.queries_are_keys() || own.values_are_keys() != variant.values_are_keys() ||
          own.kv_heads() != variant.kv_heads()) {
        throw InputError(fmt::format(
            "variant {}: layer {} reads layer {}'s KV cache, so it needs that layer's keys and values as "
            "they "
            "are ({} there, {} asked for) and keeps its own queries; expected a variant that keeps Q and "
            "matches layer {}'s",
            variants.name(), l, source, own.name(), variant.name(), source));
      }
    }
    const bool rope = find_layer_op(graph, l, "q_rope").has_value();
    if (variant.values_are_keys())
      values_from_keys(graph, l, fuse_kv, rope && k_eq_v_rope_on_read, variant.queries_are_keys());
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
}

}  // namespace neurokv::passes
