#include "compiler/driver/compile_summary.hpp"

#include <map>
#include <set>
#include <string>

namespace neurokv {
namespace {

// Linear ops by role ("q_proj", "lm_head", ...), others by kind ("attn_score", "kv_read", ...).
std::string count_key(const ir::Op& op) {
  if (op.kind != ir::OpKind::Linear) return ir::to_string(op.kind);
  const std::string role = ir::to_string(op.role);
  const bool projection = op.role == ir::LinearRole::Q || op.role == ir::LinearRole::K ||
                          op.role == ir::LinearRole::V || op.role == ir::LinearRole::O;
  return projection ? role + "_proj" : role;
}

nlohmann::json kv_cache(const ir::Program& program) {
  std::set<std::string> locations;
  int64_t bytes_per_token = 0;
  for (const ir::Buffer& buffer : program.buffers) {
    locations.insert(ir::to_string(buffer.location));
    bytes_per_token += buffer.bytes_per_token;
  }
  const std::string location =
      locations.empty() ? "none" : (locations.size() > 1 ? "mixed" : *locations.begin());
  return {{"location", location}, {"bytes_per_token", bytes_per_token}};
}

}  // namespace

nlohmann::json compile_summary(const CompileResult& result) {
  const ir::Program& program = result.program;
  std::map<std::string, int> op_counts;
  for (const char* role : {"q_proj", "k_proj", "v_proj", "o_proj", "mlp_up", "mlp_down", "lm_head"})
    op_counts[role] = 0;
  std::set<ir::NpCoord> nps;
  int64_t sram_bytes = 0;
  int64_t dram_weight_bytes = 0;
  for (const ir::Op& op : program.ops) {
    ++op_counts[count_key(op)];
    for (const ir::Tile& tile : op.tiles) {
      if (!tile.on_hrc) nps.insert(tile.np);  // the HRC is no NP
      (op.weights == ir::Storage::Dram ? dram_weight_bytes : sram_bytes) += tile.weight_bytes;
    }
  }
  for (const ir::Buffer& buffer : program.buffers) {
    nps.insert(buffer.nps.begin(), buffer.nps.end());
    if (buffer.location == ir::Storage::Sram) sram_bytes += buffer.bytes_per_token * buffer.capacity_tokens;
  }
  nlohmann::json passes = nlohmann::json::array();
  for (const PassTiming& pass : result.passes) passes.push_back({{"name", pass.name}, {"ms", pass.ms}});
  return {{"variant", program.variant},
          {"op_counts", op_counts},
          {"params", ir::parameter_count(program)},
          {"weight_bytes", ir::weight_bytes(program)},
          {"nps_used", nps.size()},
          {"nps_total", program.chip.mesh_cols * program.chip.mesh_rows * program.chip.nps_per_node},
          {"sram_bytes_used", sram_bytes},
          {"dram_weight_bytes", dram_weight_bytes},
          {"kv_cache", kv_cache(program)},
          {"passes", passes}};
}

}  // namespace neurokv
