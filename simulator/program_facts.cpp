#include "simulator/program_facts.hpp"

#include <algorithm>
#include <numeric>
#include <set>
#include <vector>

#include "compiler/ir/mesh.hpp"

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

// By NP: the most weight bytes one DMA pass streams into it. The tiles are taken pass by pass (a program
// streams in up to hundreds of passes, most NPs in few of them), each pass's bytes summed per NP.
template <typename NpIndex>
std::vector<int64_t> peak_streamed_bytes(const std::vector<const ir::Tile*>& streamed, size_t nps,
                                         const NpIndex& np) {
  std::vector<size_t> pass_start;
  for (const ir::Tile* tile : streamed) {
    const size_t pass = static_cast<size_t>(tile->pass);
    if (pass_start.size() < pass + 2) pass_start.resize(pass + 2, 0);
    ++pass_start[pass + 1];
  }
  std::partial_sum(pass_start.begin(), pass_start.end(), pass_start.begin());
  std::vector<const ir::Tile*> by_pass(streamed.size());
  for (const ir::Tile* tile : streamed) by_pass[pass_start[static_cast<size_t>(tile->pass)]++] = tile;
  std::vector<int64_t> peak(nps, 0), in_pass(nps, 0);
  std::vector<size_t> touched;
  for (size_t i = 0; i < by_pass.size(); ++i) {
    const size_t at = np(by_pass[i]->np);
    touched.push_back(at);
    in_pass[at] += by_pass[i]->weight_bytes;
    if (i + 1 < by_pass.size() && by_pass[i + 1]->pass == by_pass[i]->pass) continue;
    for (size_t t : touched) {  // the pass's last tile
      peak[t] = std::max(peak[t], in_pass[t]);
      in_pass[t] = 0;
    }
    touched.clear();
  }
  return peak;
}

MemoryReport memory_of(const ir::Program& program) {
  MemoryReport mem;
  const ir::ChipInfo& chip = program.chip;
  mem.nps_total = chip.mesh_cols * chip.mesh_rows * chip.nps_per_node;
  // By NP (ir::np_index order; a verified program's tiles and buffers lie on the mesh): flat arrays, as a
  // program has tens of thousands of tiles.
  const auto np = [&](const ir::NpCoord& c) {
    return static_cast<size_t>(ir::np_index(c, chip.mesh_cols, chip.nps_per_node));
  };
  std::vector<int64_t> resident(static_cast<size_t>(mem.nps_total), 0);  // weight bytes that stay
  std::vector<int64_t> kv(resident.size(), 0);  // KV bytes held in the NP's input SRAM
  std::vector<char> used(resident.size(), 0);
  std::vector<const ir::Tile*> streamed;  // tiles whose weights stream in from DRAM
  for (const Op& op : program.ops) {
    for (const ir::Tile& tile : op.tiles) {
      const size_t at = np(tile.np);
      used.at(at) = 1;
      if (op.weights == ir::Storage::Sram) {
        resident[at] += tile.weight_bytes;
        mem.weights_on_chip_bytes += tile.weight_bytes;
      } else {
        streamed.push_back(&tile);
        mem.weights_in_dram_bytes += tile.weight_bytes;
      }
    }
  }
  const std::vector<int64_t> peak_streamed = peak_streamed_bytes(streamed, resident.size(), np);
  std::set<ir::Storage> locations;
  for (const ir::Buffer& buffer : program.buffers) {
    locations.insert(buffer.location);
    const int64_t bytes = buffer.bytes_per_token * buffer.capacity_tokens;
    mem.kv_cache_bytes += bytes;
    if (buffer.location == ir::Storage::Sram && !buffer.nps.empty()) {
      const int64_t share =
          (bytes + static_cast<int64_t>(buffer.nps.size()) - 1) / static_cast<int64_t>(buffer.nps.size());
      for (const ir::NpCoord& c : buffer.nps) kv.at(np(c)) += share;
    }
  }
  mem.kv_location = locations.size() > 1 ? "mixed"
                    : locations.empty()  ? "none"
                                         : ir::to_string(*locations.begin());
  for (size_t at = 0; at < used.size(); ++at) {
    if (!used[at]) continue;
    mem.peak_np_sram_bytes = std::max(mem.peak_np_sram_bytes, resident[at] + peak_streamed[at] + kv[at]);
    ++mem.nps_used;
  }
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
