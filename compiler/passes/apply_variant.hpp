#pragma once
// Rewrites the QKV baseline into one of the paper's variants. An eliminated projection is removed, not zeroed:
// K=V drops the V projection, its append and read ops and the values buffer, and the value path reads the
// keys; Q=K drops the Q projection and scores the new key against the cached keys; GQA/MQA narrow the K and V
// projections and the cache to g heads.
#include "compiler/attention_variant.hpp"
#include "compiler/passes/pass.hpp"

namespace neurokv::passes {

// `fuse_kv`: for K=V variants, one KvRead feeds both QKᵀ and P·V; otherwise each reads the keys buffer itself.
Graph apply_variant(Graph graph, const AttentionVariant& variant, bool fuse_kv, Notes& notes);

}  // namespace neurokv::passes
