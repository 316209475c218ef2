#pragma once
// The CNN frontend: a CNN model (compiler/config/cnn_spec.hpp) becomes a chain of CNN layer ops, one per
// layer, each reading the one before (compiler/ir/cnn_layer.hpp says which op field holds which layer
// field). Its tiles come from map_cnn's mapping (compiler/passes/tile_cnn.hpp).
#include "compiler/config/cnn_spec.hpp"
#include "compiler/graph/graph.hpp"

namespace neurokv::graph {

// Builds into `graph`, which must be empty. Throws InputError for a layer the Event IR cannot state
// (ir::cnn_layer_op).
void build_cnn_graph(const CnnSpec& spec, Graph& graph);

}  // namespace neurokv::graph
