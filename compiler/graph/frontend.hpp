#pragma once
// The YAML frontend: a ModelSpec becomes the GPT-2 block structure in its QKV baseline form (pre-LayerNorm,
// biases, GELU MLP, learned positions, LM head tied to the token embedding), with explicit KV-cache buffers.
#include "compiler/config/model_spec.hpp"
#include "compiler/graph/graph.hpp"

namespace neurokv::graph {

// Builds into `graph`, which must be empty: the compile pipeline works on one graph in place (pass.hpp).
void build_graph(const ModelSpec& model, Graph& graph);
Graph build_graph(const ModelSpec& model);

}  // namespace neurokv::graph
