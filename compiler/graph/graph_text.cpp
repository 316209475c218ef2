#include "compiler/graph/graph_text.hpp"

#include <fmt/format.h>

namespace neurokv::graph {
namespace {

std::string np_text(const ir::NpCoord& np) { return fmt::format("({},{},{})", np.x, np.y, np.np); }

std::string kind_text(const ir::Op& op) {
  std::string text = ir::to_string(op.kind);
  if (op.kind == ir::OpKind::Linear) text += std::string(".") + ir::to_string(op.role);
  return text;
}

// A CNN layer's shapes (input -> output), kernel, stride, pad, pooling, ReLU and input width.
void cnn_text(const ir::Op& op, std::string& out) {
  out += fmt::format(" {}x{}x{} -> {}x{}x{}", op.in_height, op.in_width, op.in_features, op.out_height,
                     op.out_width, op.out_features);
  if (op.kernel > 0) out += fmt::format(" k={} s={} pad={}", op.kernel, op.stride, op.pad);
  if (op.pool != ir::Pooling::None) {
    out += fmt::format(" pool={}", ir::to_string(op.pool));
    if (op.pool_size > 0) out += fmt::format("/{}/{}", op.pool_size, op.pool_stride);
  }
  out += fmt::format(" relu={}", ir::to_string(op.relu));
  if (op.relu == ir::Relu::Bounded) out += fmt::format("/{}", op.relu_bound);
  if (op.batchnorm) out += " batchnorm";
  out += fmt::format(" in_bits={}", op.in_bits);
}

void op_text(const Graph& graph, Vertex v, std::string& out) {
  const ir::Op& op = graph[v];
  const ProgramInfo& info = graph[boost::graph_bundle];
  std::string inputs;
  for (Edge e : inputs_by_slot(graph, v)) {
    if (!inputs.empty()) inputs += ", ";
    inputs += (graph[e].via_buffer ? "~" : "") + graph[boost::source(e, graph)].name;
  }
  out += fmt::format("{} = {}({}) in={} out={}", op.name, kind_text(op), inputs, op.in_features,
                     op.out_features);
  if (op.bias) out += " bias";
  if (op.heads > 0)
    out += fmt::format(" heads={} kv_heads={} head_dim={}", op.heads, op.kv_heads, op.head_dim);
  if (op.buffer >= 0) out += " buffer=" + info.buffers[static_cast<std::size_t>(op.buffer)].name;
  if (op.tied_to >= 0) out += " tied_to=" + graph[static_cast<Vertex>(op.tied_to)].name;
  if (op.input_density != 1.0) out += fmt::format(" density={}", op.input_density);
  if (ir::is_cnn_layer(op.kind)) cnn_text(op, out);
  if (op.weight_bits > 0) out += fmt::format(" w{}", op.weight_bits);
  if (op.act_bits > 0) out += fmt::format(" a{}", op.act_bits);
  if (!op.tiles.empty())
    out += fmt::format(" weights={} tiles={}", ir::to_string(op.weights), op.tiles.size());
  out += '\n';
  for (const ir::Tile& tile : op.tiles) {
    const std::string rows =
        ir::is_cnn_layer(op.kind) ? fmt::format(" rows=[{},{})", tile.row_begin, tile.row_end) : "";
    out +=
        fmt::format("  tile {} out=[{},{}){} bytes={} pass={} np={}\n", tile.index, tile.out_begin,
                    tile.out_end, rows, tile.weight_bytes, tile.pass, tile.on_hrc ? "hrc" : np_text(tile.np));
  }
}

void buffer_text(const ir::Buffer& buffer, std::string& out) {
  out += fmt::format("buffer {} {} kv_heads={} head_dim={} bits={} bytes_per_token={} capacity={} {}",
                     buffer.name, ir::to_string(buffer.role), buffer.kv_heads, buffer.head_dim, buffer.bits,
                     buffer.bytes_per_token, buffer.capacity_tokens, ir::to_string(buffer.location));
  if (!buffer.nps.empty()) {
    out += " nps=";
    for (std::size_t i = 0; i < buffer.nps.size(); ++i) out += (i ? "," : "") + np_text(buffer.nps[i]);
  }
  out += '\n';
}

void steps_text(const Graph& graph, const char* phase, const std::vector<ir::Step>& steps, std::string& out) {
  for (const ir::Step& step : steps) {
    std::string waits;
    for (int w : step.waits) waits += (waits.empty() ? "" : ",") + graph[static_cast<Vertex>(w)].name;
    out +=
        fmt::format("{} {} wave={} waits={}{}\n", phase, graph[static_cast<Vertex>(step.op)].name, step.wave,
                    waits.empty() ? "-" : waits, step.last_token_only ? " last_token_only" : "");
  }
}

}  // namespace

std::string graph_to_text(const Graph& graph) {
  const ProgramInfo& info = graph[boost::graph_bundle];
  std::string out = fmt::format("graph {} variant={} kv_heads={} bits=w{}/a{}/kv{} context={} fused_kv={}",
                                info.model.name, info.variant, info.kv_heads, info.precision.weight_bits,
                                info.precision.act_bits, info.precision.kv_bits, info.context, info.fused_kv);
  if (info.model.network == ir::Network::Cnn) {
    out += " network=cnn";
    if (!info.model.map_mode.empty())
      out += fmt::format(" map_mode={} spread={}", info.model.map_mode, info.model.spread);
  }
  out += '\n';
  for (Vertex v : boost::make_iterator_range(boost::vertices(graph))) op_text(graph, v, out);
  for (const ir::Buffer& buffer : info.buffers) buffer_text(buffer, out);
  for (const ir::Route& route : info.routes) {
    std::string dsts;
    for (int t : route.dst_tiles) dsts += (dsts.empty() ? "" : ",") + std::to_string(t);
    out += fmt::format("route {}#{} -> {}[{}] hops={}\n", graph[static_cast<Vertex>(route.src_op)].name,
                       route.src_tile, graph[static_cast<Vertex>(route.dst_op)].name, dsts, route.hops);
  }
  steps_text(graph, "decode", info.decode, out);
  steps_text(graph, "prefill", info.prefill, out);
  return out;
}

}  // namespace neurokv::graph
