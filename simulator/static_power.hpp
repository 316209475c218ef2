#pragma once
// Static power of what a program keeps powered: each NP that holds a tile or KV rows, each router a powered
// NP or a route needs, the uncore, and the external DRAM's background and refresh while the program streams
// from it (self-refresh when it never does). With the chip's `gate_idle_nps` off, every NP and router is
// powered.
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/mesh.hpp"
#include "compiler/ir/program.hpp"

namespace neurokv {

struct StaticPower {
  int powered_nps = 0;
  int powered_routers = 0;
  double np_w = 0, router_w = 0, uncore_w = 0;  // totals over the powered blocks, watts
  double dram_w = 0;                            // background + refresh, or self-refresh
  double chip_w() const { return np_w + router_w + uncore_w; }
};

// The blocks a program needs powered when idle ones are gated, counted once per program: no chip key but
// the mesh shape (which the program already has) changes them.
struct PoweredBlocks {
  int nps = 0;
  int routers = 0;
  bool dram = false;  // the program streams weights or KV rows from DRAM
};

PoweredBlocks powered_blocks(const ir::Program& program);
// The same from the links the routes' XY trees cross (ir::mesh_link_index, any order, repeats allowed):
// counting lists them once, for this and for the links' loads.
PoweredBlocks powered_blocks(const ir::Program& program, const std::vector<int>& tree_links);

// The blocks' static watts at this chip's coefficients (and its `gate_idle_nps`).
StaticPower static_power(const PoweredBlocks& blocks, const HwConfig& hw);

StaticPower static_power(const ir::Program& program, const HwConfig& hw);

}  // namespace neurokv
