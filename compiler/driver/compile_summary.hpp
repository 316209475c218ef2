#pragma once
// A compile's figures as JSON, for the CLI and reports: op counts by kind, parameters, weight bytes, NPs
// used, SRAM and DRAM use, the KV cache's location and bytes per token, and each pass's time.
#include <nlohmann/json.hpp>

#include "compiler/driver/compile.hpp"

namespace neurokv {

// Keys: variant, op_counts, params, weight_bytes, nps_used, nps_total, sram_bytes_used (resident weight tiles
// plus SRAM KV buffers at capacity), dram_weight_bytes (streamed tiles), kv_cache {location: sram | dram |
// mixed | none, bytes_per_token over all layers}, passes [{name, ms}].
nlohmann::json compile_summary(const CompileResult& result);

}  // namespace neurokv
