#pragma once
// Places a CNN's layer ops (compiler/graph/cnn_frontend.hpp) as map_cnn maps them: each layer's tiles are
// its (input tile, filter group) pairs, tile s × filter_tiles + f on the mapping's NP of that pair, covering
// input rows band s and output channels group f (bands and groups as even as integers allow); the HRC
// layer's one tile on the HRC; an FNP2 layer's weights streamed (weights=dram). Every tile carries its
// layer's pass and the weight bytes its filters hold (ir::tile_weight_bytes).
#include "compiler/passes/map_cnn.hpp"
#include "compiler/passes/pass.hpp"

namespace neurokv::passes {

void tile_cnn(Graph& graph, const CnnMapping& mapping, Diagnostics& diagnostics);

}  // namespace neurokv::passes
