#pragma once
// Decides where each layer's KV buffers live and how large they are. A buffer holds `context` rows of
// kv_heads × head_dim values at the KV width. A KV head's rows live whole on one NP, beside the attention
// tiles that read them (`place` picks the NP), in the share of input SRAM the KV cache may use (the rest
// stays for incoming events). Buffers take NP input SRAM, in layer order, while the chip has room for every
// one of their heads; the others go to DRAM, as does every buffer whose one head needs more than an NP's
// share.
#include <cstdint>

#include "compiler/config/hw_config.hpp"
#include "compiler/passes/pass.hpp"

namespace neurokv::passes {

// The chip's per-NP KV budget: kKvShareOfInputSram of its input SRAM.
int64_t kv_budget_per_np(const HwConfig& hw);
// Bytes one KV head of the buffer holds at its capacity (the buffer's bytes over its heads, rounded up).
int64_t kv_head_bytes(const ir::Buffer& buffer);
// How many KV heads of this size one NP's budget holds (0 when one head is larger than the budget). Throws
// MappingError when the budget is under one byte (the chip loader refuses such chips).
int64_t kv_heads_per_np(const ir::Buffer& buffer, const HwConfig& hw);
// The KV-head slots of one NP when buffers differ in size (a sliding window's cache holds fewer rows): every
// slot is as large as the largest head that fits the budget at all. Equal to kv_heads_per_np when all
// buffers are alike.
int64_t kv_slots_per_np(const std::vector<ir::Buffer>& buffers, const HwConfig& hw);

// Each buffer holds `context` rows, or a sliding-window layer's window when that is fewer (its readers'
// window). A `context` beyond the model's learned positions is planned as asked, with a note. Throws
// InputError for a context below 1, MappingError naming the buffer, its bytes and the room left when a buffer
// fits no NP input SRAM and the chip has no DRAM.
void plan_kv_cache(Graph& graph, const HwConfig& hw, int64_t context, Diagnostics& diagnostics);

}  // namespace neurokv::passes
