#pragma once
// Puts every tile and every SRAM-resident KV buffer on an NP (node x, node y, NP index).
// NPs are walked in a snake order (row 0 left to right, row 1 right to left, ...; the NPs of a node
// together), so neighbours in the order are at most one hop apart. DRAM enters the mesh at the DMA point,
// node (0,0), where the snake starts: the streaming pool takes the first NPs of the snake, resident weight
// tiles the following ones in model order (the packing `partition` chose), so consecutive ops sit on
// neighbouring nodes. Weightless tiles go next to the NP of the op feeding them (tile i, i NPs further along
// the snake). A KV head's cached rows live beside their readers: on the NP of the head group's first
// attention tile, or the nearest NP with room in its KV share when that one is full (a compile note says so,
// with the hops); KvRead tile h sits with head h's rows (for a DRAM buffer, on the reader's NP) and KvAppend
// with them.
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/passes/pass.hpp"

namespace neurokv::passes {

// The DMA point: node (0,0).
constexpr ir::NpCoord kDmaPoint{0, 0, 0};

// Every NP of the chip in snake order, starting at the DMA point.
std::vector<ir::NpCoord> snake_order(const HwConfig& hw);

void place(Graph& graph, const HwConfig& hw, Diagnostics& diagnostics);

}  // namespace neurokv::passes
