#include "simulator/program_facts.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace neurokv {

using ir::Op;
using ir::OpKind;

int64_t qkv_kv_bytes_per_token(const ir::Program& program) {
  const ir::ModelInfo& m = program.model;
  return int64_t{2} * m.layers * m.heads * m.head_dim * program.precision.kv_bits / 8;
}

namespace {

// The paper's convention: an N-token forward with full n×n score and value products (no causal halving).
double macs_forward_full(const ir::Program& program) {
  const double n = static_cast<double>(program.context);
  double macs = 0;
  for (const Op& op : program.ops) {
    if (op.kind == OpKind::Linear) macs += static_cast<double>(op.in_features) * op.out_features * n;
    if (op.kind == OpKind::AttnScore || op.kind == OpKind::AttnValue) {
      macs += static_cast<double>(op.heads) * op.head_dim * n * n;
    }
  }
  return macs;
}

MemoryReport memory_of(const ir::Program& program) {
  MemoryReport mem;
  std::map<ir::NpCoord, int64_t> resident;                  // weight bytes that stay on each NP
  std::map<std::pair<ir::NpCoord, int>, int64_t> streamed;  // weight bytes per NP and DMA pass
  std::map<ir::NpCoord, int64_t> kv;                        // KV bytes held in each NP's input SRAM
  std::set<ir::NpCoord> used;
  for (const Op& op : program.ops) {
    for (const ir::Tile& tile : op.tiles) {
      used.insert(tile.np);
      if (op.weights == ir::Storage::Sram) {
        resident[tile.np] += tile.weight_bytes;
        mem.weights_on_chip_bytes += tile.weight_bytes;
      } else {
        streamed[{tile.np, tile.pass}] += tile.weight_bytes;
        mem.weights_in_dram_bytes += tile.weight_bytes;
      }
    }
  }
  std::set<ir::Storage> locations;
  for (const ir::Buffer& buffer : program.buffers) {
    locations.insert(buffer.location);
    const int64_t bytes = buffer.bytes_per_token * buffer.capacity_tokens;
    mem.kv_cache_bytes += bytes;
    if (buffer.location == ir::Storage::Sram && !buffer.nps.empty()) {
      const int64_t share =
          (bytes + static_cast<int64_t>(buffer.nps.size()) - 1) / static_cast<int64_t>(buffer.nps.size());
      for (const ir::NpCoord& np : buffer.nps) kv[np] += share;
    }
  }
  mem.kv_location = locations.size() > 1 ? "mixed"
                    : locations.empty()  ? "none"
                                         : ir::to_string(*locations.begin());
  std::map<ir::NpCoord, int64_t> peak_streamed;
  for (const auto& [key, bytes] : streamed)
    peak_streamed[key.first] = std::max(peak_streamed[key.first], bytes);
  for (const ir::NpCoord& np : used) {
    const int64_t held = resident[np] + peak_streamed[np] + kv[np];
    mem.peak_np_sram_bytes = std::max(mem.peak_np_sram_bytes, held);
  }
  mem.nps_used = static_cast<int>(used.size());
  mem.nps_total = program.chip.mesh_cols * program.chip.mesh_rows * program.chip.nps_per_node;
  return mem;
}

}  // namespace

VariantReport program_facts(const ir::Program& program) {
  VariantReport r;
  r.variant = program.variant;
  r.kv_heads = program.kv_heads;
  r.params = ir::parameter_count(program);
  r.weight_bytes = ir::weight_bytes(program);
  for (const ir::Buffer& buffer : program.buffers) r.kv_cache_bytes_per_token += buffer.bytes_per_token;
  r.kv_cache_bytes = r.kv_cache_bytes_per_token * program.context;
  r.kv_cache_reduction = 1.0 - static_cast<double>(r.kv_cache_bytes_per_token) /
                                   static_cast<double>(qkv_kv_bytes_per_token(program));
  r.macs_forward_full = macs_forward_full(program);
  r.memory = memory_of(program);
  return r;
}

}  // namespace neurokv
