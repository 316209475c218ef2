#include "compiler/graph/graph.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/ir/op_kind.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::graph {

Vertex add_op(Graph& graph, ir::Op op) { return boost::add_vertex(std::move(op), graph); }

void connect(Graph& graph, Vertex producer, Vertex consumer, int slot, bool via_buffer) {
  Tensor tensor;
  tensor.slot = slot;
  tensor.width = graph[producer].out_features;
  tensor.bits = graph[producer].act_bits;
  tensor.via_buffer = via_buffer;
  boost::add_edge(producer, consumer, tensor, graph);
}

Vertex find_op(const Graph& graph, const std::string& name) {
  for (Vertex v : boost::make_iterator_range(boost::vertices(graph))) {
    if (graph[v].name == name) return v;
  }
  throw RunError("internal error: the graph has no op named " + name);
}

void remove_op(Graph& graph, Vertex v) {
  boost::clear_vertex(v, graph);
  boost::remove_vertex(v, graph);
  const int removed = static_cast<int>(v);
  for (Vertex u : boost::make_iterator_range(boost::vertices(graph))) {
    int& tied = graph[u].tied_to;
    if (tied > removed) --tied;
  }
}

void set_out_features(Graph& graph, Vertex v, int64_t width) {
  graph[v].out_features = width;
  for (Edge e : boost::make_iterator_range(boost::out_edges(v, graph))) graph[e].width = width;
}

std::vector<Edge> inputs_by_slot(const Graph& graph, Vertex v) {
  const auto range = boost::make_iterator_range(boost::in_edges(v, graph));
  std::vector<Edge> edges(range.begin(), range.end());
  std::sort(edges.begin(), edges.end(), [&](Edge a, Edge b) { return graph[a].slot < graph[b].slot; });
  return edges;
}

std::optional<Vertex> tied_lm_head(const Graph& graph) {
  for (Vertex v : boost::make_iterator_range(boost::vertices(graph))) {
    if (graph[v].tied_to >= 0) return v;
  }
  return std::nullopt;
}

std::string layer_op_name(int layer, const std::string& role) { return fmt::format("l{}.{}", layer, role); }

bool carries_kv(const ir::Op& op) {
  if (op.role == ir::LinearRole::K || op.role == ir::LinearRole::V ||
      ir::op_kind_traits(op.kind).uses_kv_buffer)
    return true;
  // The key tensor's QK-norm and RoPE (on write, or on read of the cache), by the frontend's names.
  for (const char* key_op : {".k_norm", ".k_rope", ".k_rope_read"}) {
    const std::string suffix(key_op);
    if (op.name.size() > suffix.size() &&
        op.name.compare(op.name.size() - suffix.size(), suffix.size(), suffix) == 0)
      return true;
  }
  return false;
}

bool is_head_split(ir::OpKind kind) { return ir::op_kind_traits(kind).tile_axis != ir::TileAxis::Channels; }

}  // namespace neurokv::graph
