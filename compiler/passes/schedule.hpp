#pragma once
// The decode and prefill step lists. Each op runs once per step list, in topological order; its wave is its
// longest-path level from the inputs (ops of one wave never depend on each other), and it waits for every op
// it reads from, KvRead included: it waits for its layer's KvAppend, since the new token attends to itself.
// Ops are listed by wave, then in model order. Prefill runs the same ops over the prompt, except that the LM
// head runs on the last prompt token only.
#include "compiler/passes/pass.hpp"

namespace neurokv::passes {

void schedule(Graph& graph, Diagnostics& diagnostics);

}  // namespace neurokv::passes
