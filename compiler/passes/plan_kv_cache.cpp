#include "compiler/passes/plan_kv_cache.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"

namespace neurokv::passes {

int64_t kv_budget_per_np(const HwConfig& hw) { return neurokv::kv_budget_per_np(hw.np.input_sram_bytes); }

int64_t kv_nps_needed(const ir::Buffer& buffer, const HwConfig& hw) {
  const int64_t bytes = buffer.bytes_per_token * buffer.capacity_tokens;
  const int64_t budget = kv_budget_per_np(hw);
  if (budget < 1) {
    throw MappingError(
        fmt::format("KV buffer {}: chip {} reserves {} bytes of its {} bytes of NP input SRAM for the "
                    "KV cache, expected at least 1",
                    buffer.name, hw.name, budget, hw.np.input_sram_bytes));
  }
  return (bytes + budget - 1) / budget;
}

Graph plan_kv_cache(Graph graph, const HwConfig& hw, int64_t context, Notes& notes) {
  graph::ProgramInfo& info = graph[boost::graph_bundle];
  if (context < 1) throw InputError(fmt::format("--context {}: expected at least 1 token", context));
  // Planned as asked: the paper sizes caches beyond the learned positions too (its 32K-token figure).
  if (context > info.model.max_positions) {
    notes.push_back(
        fmt::format("context {} exceeds {}'s {} learned positions; the KV cache is planned for {} tokens",
                    context, info.model.name, info.model.max_positions, context));
  }
  info.context = context;
  int64_t nps_left = hw.nps_total();
  int in_dram = 0;
  for (ir::Buffer& buffer : info.buffers) {
    buffer.bytes_per_token = (int64_t{buffer.kv_heads} * buffer.head_dim * buffer.bits + 7) / 8;
    buffer.capacity_tokens = context;
    const int64_t needed = kv_nps_needed(buffer, hw);
    if (needed <= nps_left) {
      buffer.location = ir::Storage::Sram;
      nps_left -= needed;
      continue;
    }
    if (!hw.dram.present) {
      throw MappingError(fmt::format(
          "KV buffer {} needs {} bytes ({} tokens x {} B) of NP input SRAM, the chip has {} bytes left "
          "({} NPs x {} B reserved for the KV cache) and no DRAM",
          buffer.name, buffer.bytes_per_token * context, context, buffer.bytes_per_token,
          nps_left * kv_budget_per_np(hw), nps_left, kv_budget_per_np(hw)));
    }
    buffer.location = ir::Storage::Dram;
    ++in_dram;
  }
  if (in_dram > 0) {
    notes.push_back(fmt::format("KV cache: {} of {} buffers in DRAM at context {}", in_dram,
                                info.buffers.size(), context));
  }
  return graph;
}

}  // namespace neurokv::passes
