#pragma once
// Rewrites the QKV baseline into one of the paper's variants, layer by layer (each layer may have its own).
// An eliminated projection is removed, not zeroed: K=V drops the V projection, its append and read ops and
// the values buffer, and the value path reads the keys; Q=K drops the Q projection and scores the new key
// against the cached keys; GQA/MQA narrow the K and V projections and the cache to g heads.
#include "compiler/config/layer_variants.hpp"
#include "compiler/passes/pass.hpp"

namespace neurokv::passes {

// `fuse_kv`: for K=V variants, one KvRead feeds both QKᵀ and P·V; otherwise each reads the keys buffer
// itself. The program's `variant` is `variants.name()` and its `kv_heads` `variants.kv_heads()` (0 when
// layers differ). Throws InputError when a per-layer list does not have one variant per layer of the model.
// `kv_shared_from`: per layer, the layer whose cache it reads (-1: its own; empty: none share); such a layer
// must keep its queries and match its source's K/V. `k_eq_v_rope_on_read`: under RoPE, K=V layers cache
// un-rotated keys and rotate them on read (Gemma 4), else the cache holds rotated keys (rotate on write).
void apply_variant(Graph& graph, const LayerVariants& variants, bool fuse_kv, Diagnostics& diagnostics,
                   const std::vector<int>& kv_shared_from = {}, bool k_eq_v_rope_on_read = true);

}  // namespace neurokv::passes
