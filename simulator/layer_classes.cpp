#include "simulator/layer_classes.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace neurokv {
namespace {

using ir::Op;

auto counted_fields(const Op& op) {
  return std::tie(op.kind, op.role, op.in_features, op.out_features, op.bias, op.heads, op.kv_heads,
                  op.head_dim, op.input_density, op.weight_bits, op.act_bits, op.weights, op.window,
                  op.rope_theta, op.rotary_dims, op.activation, op.in_height, op.in_width, op.out_height,
                  op.out_width, op.kernel, op.stride, op.pad, op.pool, op.pool_size, op.pool_stride, op.relu,
                  op.relu_bound, op.batchnorm, op.in_bits);
}

auto counted_fields(const ir::Buffer& b) {
  return std::tie(b.role, b.kv_heads, b.head_dim, b.bits, b.bytes_per_token, b.capacity_tokens, b.location);
}

auto counted_fields(const ir::Tile& t) {
  return std::tie(t.index, t.out_begin, t.out_end, t.weight_bytes, t.row_begin, t.row_end, t.on_hrc);
}

bool same_tiles(const Op& a, const Op& b) {
  if (a.tiles.size() != b.tiles.size()) return false;
  for (size_t t = 0; t < a.tiles.size(); ++t) {
    if (counted_fields(a.tiles[t]) != counted_fields(b.tiles[t])) return false;
  }
  return true;
}

bool same_routes(const ir::Program& program, const RoutesBySource& routes, const std::vector<bool>& repeated,
                 const Op& a, const Op& b) {
  if (routes.count(a.id) != routes.count(b.id)) return false;
  for (size_t k = 0; k < routes.count(a.id); ++k) {
    const size_t i = routes.at(a.id, k), j = routes.at(b.id, k);
    const ir::Route& ra = program.routes[i];
    const ir::Route& rb = program.routes[j];
    if (ra.src_tile != rb.src_tile || ra.dst_tiles.size() != rb.dst_tiles.size() ||
        repeated[i] != repeated[j] ||
        program.ops.at(ra.dst_op).input_density != program.ops.at(rb.dst_op).input_density)
      return false;
  }
  return true;
}

bool same_op(const ir::Program& program, const RoutesBySource& routes, const std::vector<bool>& repeated,
             const Op& a, const Op& b) {
  if (counted_fields(a) != counted_fields(b) || a.inputs.size() != b.inputs.size()) return false;
  for (size_t i = 0; i < a.inputs.size(); ++i) {
    if (program.ops.at(a.inputs[i]).kind != program.ops.at(b.inputs[i]).kind) return false;
  }
  if ((a.buffer < 0) != (b.buffer < 0)) return false;
  if (a.buffer >= 0 &&
      counted_fields(program.buffers.at(a.buffer)) != counted_fields(program.buffers.at(b.buffer)))
    return false;
  return same_tiles(a, b) && same_routes(program, routes, repeated, a, b);
}

}  // namespace

RoutesBySource::RoutesBySource(const ir::Program& program) : start_(program.ops.size() + 1, 0) {
  for (const ir::Route& route : program.routes) ++start_.at(static_cast<size_t>(route.src_op) + 1);
  std::partial_sum(start_.begin(), start_.end(), start_.begin());
  routes_.resize(program.routes.size());
  std::vector<size_t> next(start_.begin(), start_.end() - 1);
  for (size_t i = 0; i < program.routes.size(); ++i)
    routes_[next[static_cast<size_t>(program.routes[i].src_op)]++] = i;
}

std::vector<int> layer_classes(const ir::Program& program, const RoutesBySource& routes,
                               const std::vector<bool>& repeated) {
  std::vector<int> counted_as(program.ops.size());
  std::iota(counted_as.begin(), counted_as.end(), 0);
  std::vector<std::vector<int>> layer_ops(static_cast<size_t>(std::max(program.model.layers, 0)));
  for (const Op& op : program.ops) {
    if (op.layer >= 0 && op.layer < program.model.layers)
      layer_ops[static_cast<size_t>(op.layer)].push_back(op.id);
  }
  const auto same_layer = [&](const std::vector<int>& a, const std::vector<int>& b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k) {
      if (!same_op(program, routes, repeated, program.ops[a[k]], program.ops[b[k]])) return false;
    }
    return true;
  };
  std::vector<size_t> firsts;  // the first layer of each class
  // A layer is mostly of the class of the layer before it, so that class is tried first: the classes' first
  // layers differ from one another, so a layer is the same as one of them at most and the order of trying
  // does not change which.
  size_t last_class = 0;
  for (size_t layer = 0; layer < layer_ops.size(); ++layer) {
    const std::vector<int>& ops = layer_ops[layer];
    const auto same_class = [&](size_t f) { return same_layer(ops, layer_ops[f]); };
    auto first = firsts.begin() + static_cast<std::ptrdiff_t>(last_class);
    if (first == firsts.end() || !same_class(*first))
      first = std::find_if(firsts.begin(), firsts.end(), same_class);
    if (first == firsts.end()) {
      last_class = firsts.size();
      firsts.push_back(layer);
      continue;
    }
    last_class = static_cast<size_t>(first - firsts.begin());
    for (size_t k = 0; k < ops.size(); ++k) counted_as[ops[k]] = layer_ops[*first][k];
  }
  return counted_as;
}

}  // namespace neurokv
