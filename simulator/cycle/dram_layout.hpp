#pragma once
// Where each tile's DRAM transfers lie, for the DRAM command model (its banks and rows need addresses; the
// compiler assigns none). Every tile that moves DRAM bytes owns a region, the regions laid one after another
// in op and tile order, each sized for the tile's decode traffic at the program's full context and rounded up
// to kRegionAlignBytes. A transfer starts at its tile's region (reads: the weights or the cached rows, in
// order; writes: the appended rows); one larger than its region (a chunked prefill's spill) runs on into the
// next. (assumed: a linear layout per tile, as a DMA descriptor would stream it)
#include <cstdint>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"

namespace neurokv::cycle {

// Regions start on 4 KiB: a whole number of the shipped devices' 2 KiB pages, so no two tiles share a row.
inline constexpr int64_t kRegionAlignBytes = 4096;

class DramLayout {
 public:
  DramLayout(const ir::Program& program, const HwConfig& hw);

  uint64_t address(int op, int tile) const;

 private:
  std::vector<std::vector<uint64_t>> base_;  // [op][tile]
  uint64_t total_ = 0;
};

}  // namespace neurokv::cycle
