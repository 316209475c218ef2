#pragma once
// Event routes: for every tensor between two ops, one multicast per producer tile to the consumer tiles that
// need its output, along the XY tree (`hops` = the tree's links). A consumer tiled by channels (Linear,
// LayerNorm, elementwise) needs every input element; a consumer tiled by heads needs only its heads' slice
// (query heads h, or KV head h / (H/g) of a K/V tensor). Cache writes and reads go through the buffer: no
// route.
#include "compiler/passes/pass.hpp"

namespace neurokv::passes {

void route(Graph& graph, Diagnostics& diagnostics);

}  // namespace neurokv::passes
