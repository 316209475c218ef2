#pragma once
// What a compiled program is, independent of how it is run: parameters, weights, KV cache, the paper's
// full-forward MAC count, and where memory goes. Both fidelities start their VariantReport from this.
#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/report.hpp"

namespace neurokv {

// Fills every VariantReport field that does not depend on execution (decode/prefill are left empty).
VariantReport program_facts(const ir::Program& program);

// KV-cache bytes per token of the QKV baseline at the same model and cache precision.
int64_t qkv_kv_bytes_per_token(const ir::Program& program);

}  // namespace neurokv
