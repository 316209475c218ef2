#include "compiler/passes/plan_kv_cache.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/support/error.hpp"

namespace neurokv::passes {

int64_t kv_budget_per_np(const HwConfig& hw) { return neurokv::kv_budget_per_np(hw.np.input_sram_bytes); }

int64_t kv_head_bytes(const ir::Buffer& buffer) {
  const int64_t bytes = buffer.bytes_per_token * buffer.capacity_tokens;
  return (bytes + buffer.kv_heads - 1) / buffer.kv_heads;
}

int64_t kv_heads_per_np(const ir::Buffer& buffer, const HwConfig& hw) {
  const int64_t budget = kv_budget_per_np(hw);
  if (budget < 1) {
    throw MappingError(
        fmt::format("KV buffer {}: chip {} reserves {} bytes of its {} bytes of NP input SRAM for the "
                    "KV cache, expected at least 1",
                    buffer.name, hw.name, budget, hw.np.input_sram_bytes));
  }
  return budget / kv_head_bytes(buffer);
}

int64_t kv_slots_per_np(const std::vector<ir::Buffer>& buffers, const HwConfig& hw) {
  const int64_t budget = kv_budget_per_np(hw);
  int64_t slot = 0;
  for (const ir::Buffer& buffer : buffers) {
    const int64_t bytes = kv_head_bytes(buffer);
    if (bytes <= budget) slot = std::max(slot, bytes);
  }
  return slot > 0 ? budget / slot : 0;
}

// The positions a buffer keeps: the window of the ops that read it, or the whole context.
std::vector<int64_t> buffer_windows(const Graph& graph) {
  std::vector<int64_t> windows(graph[boost::graph_bundle].buffers.size(), 0);
  for (graph::Vertex v : boost::make_iterator_range(boost::vertices(graph))) {
    const ir::Op& op = graph[v];
    if (op.kind == ir::OpKind::KvRead) windows.at(static_cast<std::size_t>(op.buffer)) = op.window;
  }
  return windows;
}

void plan_kv_cache(Graph& graph, const HwConfig& hw, int64_t context, Diagnostics& diagnostics) {
  graph::ProgramInfo& info = graph[boost::graph_bundle];
  if (context < 1) throw InputError(fmt::format("--context {}: expected at least 1 token", context));
  // Planned as asked: the paper sizes caches beyond the learned positions too (its 32K-token figure); the
  // CLI warns about such a context (compiler/extrapolation.hpp), a sweep marks the row.
  info.context = context;
  // Every head of a program has the same size (head_dim, KV width, context), so the chip holds a fixed number
  // of head slots: `place` fills them, nearest the readers first, and never runs out.
  const std::vector<int64_t> windows = buffer_windows(graph);
  for (std::size_t i = 0; i < info.buffers.size(); ++i) {
    ir::Buffer& buffer = info.buffers[i];
    buffer.bytes_per_token = (int64_t{buffer.kv_heads} * buffer.head_dim * buffer.bits + 7) / 8;
    buffer.capacity_tokens = windows[i] > 0 ? std::min(context, windows[i]) : context;
  }
  int64_t slots_left = -1;
  int in_dram = 0, too_large = 0;
  for (ir::Buffer& buffer : info.buffers) {
    const int64_t per_np = kv_heads_per_np(buffer, hw) > 0 ? kv_slots_per_np(info.buffers, hw) : 0;
    if (slots_left < 0) slots_left = kv_slots_per_np(info.buffers, hw) * hw.nps_total();
    if (per_np > 0 && buffer.kv_heads <= slots_left) {
      buffer.location = ir::Storage::Sram;
      slots_left -= buffer.kv_heads;
      continue;
    }
    if (!hw.dram.present) {
      throw MappingError(fmt::format(
          "KV buffer {} needs {} bytes ({} tokens x {} B) of NP input SRAM, {} per KV head on the NP "
          "beside its readers; the chip has room for {} more heads ({} B reserved for the KV cache per NP) "
          "and no DRAM",
          buffer.name, buffer.bytes_per_token * context, context, buffer.bytes_per_token,
          kv_head_bytes(buffer), per_np > 0 ? slots_left : 0, kv_budget_per_np(hw)));
    }
    buffer.location = ir::Storage::Dram;
    ++in_dram;
    if (per_np == 0) ++too_large;
  }
  if (in_dram > 0) {
    diagnostics.push_back(Diagnostic::note(fmt::format(
        "KV cache: {} of {} buffers in DRAM at context {}{}", in_dram, info.buffers.size(), context,
        too_large > 0 ? fmt::format(" ({} because one KV head's {} rows exceed an "
                                    "NP's {} B KV share)",
                                    too_large, context, kv_budget_per_np(hw))
                      : "")));
  }
}

}  // namespace neurokv::passes
