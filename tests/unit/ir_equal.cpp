#include "tests/unit/ir_equal.hpp"

#include <tuple>
#include <vector>

namespace neurokv::test {
namespace {

bool same(const ir::Tile& a, const ir::Tile& b) {
  return std::tie(a.index, a.np, a.out_begin, a.out_end, a.weight_bytes, a.pass, a.row_begin, a.row_end,
                  a.on_hrc) == std::tie(b.index, b.np, b.out_begin, b.out_end, b.weight_bytes, b.pass,
                                        b.row_begin, b.row_end, b.on_hrc);
}

bool same(const ir::Op& a, const ir::Op& b) {
  if (a.tiles.size() != b.tiles.size()) return false;
  for (std::size_t i = 0; i < a.tiles.size(); ++i) {
    if (!same(a.tiles[i], b.tiles[i])) return false;
  }
  return std::tie(a.id, a.name, a.kind, a.layer, a.role, a.inputs, a.in_features, a.out_features, a.bias,
                  a.heads, a.kv_heads, a.head_dim, a.buffer, a.input_density, a.weight_bits, a.act_bits,
                  a.weights, a.tied_to) == std::tie(b.id, b.name, b.kind, b.layer, b.role, b.inputs,
                                                    b.in_features, b.out_features, b.bias, b.heads,
                                                    b.kv_heads, b.head_dim, b.buffer, b.input_density,
                                                    b.weight_bits, b.act_bits, b.weights, b.tied_to) &&
         std::tie(a.in_height, a.in_width, a.out_height, a.out_width, a.kernel, a.stride, a.pad, a.pool,
                  a.pool_size, a.pool_stride, a.relu, a.relu_bound, a.batchnorm, a.in_bits) ==
             std::tie(b.in_height, b.in_width, b.out_height, b.out_width, b.kernel, b.stride, b.pad, b.pool,
                      b.pool_size, b.pool_stride, b.relu, b.relu_bound, b.batchnorm, b.in_bits);
}

bool same(const ir::Buffer& a, const ir::Buffer& b) {
  return std::tie(a.name, a.layer, a.role, a.kv_heads, a.head_dim, a.bits, a.bytes_per_token,
                  a.capacity_tokens, a.location, a.nps) == std::tie(b.name, b.layer, b.role, b.kv_heads,
                                                                    b.head_dim, b.bits, b.bytes_per_token,
                                                                    b.capacity_tokens, b.location, b.nps);
}

bool same(const ir::Route& a, const ir::Route& b) {
  return std::tie(a.src_op, a.src_tile, a.dst_op, a.dst_tiles, a.hops) ==
         std::tie(b.src_op, b.src_tile, b.dst_op, b.dst_tiles, b.hops);
}

bool same(const ir::Step& a, const ir::Step& b) {
  return std::tie(a.op, a.wave, a.waits, a.last_token_only) ==
         std::tie(b.op, b.wave, b.waits, b.last_token_only);
}

template <class T>
bool same(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

bool same_program(const ir::Program& a, const ir::Program& b) {
  const auto& [ma, mb] = std::tie(a.model, b.model);
  const auto& [ca, cb] = std::tie(a.chip, b.chip);
  return std::tie(ma.name, ma.layers, ma.d_model, ma.heads, ma.head_dim, ma.mlp_hidden, ma.vocab,
                  ma.max_positions, ma.network, ma.map_mode,
                  ma.spread) == std::tie(mb.name, mb.layers, mb.d_model, mb.heads, mb.head_dim, mb.mlp_hidden,
                                         mb.vocab, mb.max_positions, mb.network, mb.map_mode, mb.spread) &&
         std::tie(ca.name, ca.mesh_cols, ca.mesh_rows, ca.nps_per_node, ca.weight_sram_bytes,
                  ca.input_sram_bytes, ca.has_dram, ca.hash, ca.source) ==
             std::tie(cb.name, cb.mesh_cols, cb.mesh_rows, cb.nps_per_node, cb.weight_sram_bytes,
                      cb.input_sram_bytes, cb.has_dram, cb.hash, cb.source) &&
         std::tie(a.precision.weight_bits, a.precision.act_bits, a.precision.kv_bits) ==
             std::tie(b.precision.weight_bits, b.precision.act_bits, b.precision.kv_bits) &&
         std::tie(a.variant, a.kv_heads, a.context, a.fused_kv) ==
             std::tie(b.variant, b.kv_heads, b.context, b.fused_kv) &&
         same(a.buffers, b.buffers) && same(a.ops, b.ops) && same(a.routes, b.routes) &&
         same(a.prefill, b.prefill) && same(a.decode, b.decode);
}

}  // namespace neurokv::test
