#pragma once
// Decides where each layer's KV buffers live and how large they are. A buffer holds `context` rows of
// kv_heads × head_dim values at the KV width. Buffers take NP input SRAM, in layer order, while they fit in
// the share of input SRAM the KV cache may use (the rest stays for incoming events); the others go to DRAM.
#include <cstdint>

#include "compiler/config/hw_config.hpp"
#include "compiler/passes/pass.hpp"

namespace neurokv::passes {

// The chip's per-NP KV budget: kKvShareOfInputSram of its input SRAM.
int64_t kv_budget_per_np(const HwConfig& hw);
// NPs an SRAM-resident buffer is split over: its bytes divided by the per-NP budget, rounded up. Throws
// MappingError when the budget is under one byte (the chip loader refuses such chips).
int64_t kv_nps_needed(const ir::Buffer& buffer, const HwConfig& hw);

// A `context` beyond the model's learned positions is planned as asked, with a note. Throws InputError for a
// context below 1, MappingError naming the buffer, its bytes and the bytes left when SRAM is full and the
// chip has no DRAM.
Graph plan_kv_cache(Graph graph, const HwConfig& hw, int64_t context, Notes& notes);

}  // namespace neurokv::passes
