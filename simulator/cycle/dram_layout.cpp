#include "simulator/cycle/dram_layout.hpp"

#include <cmath>

#include "simulator/work.hpp"

namespace neurokv::cycle {

DramLayout::DramLayout(const ir::Program& program, const HwConfig& hw) {
  const Phase full = Phase::decode(program.context);
  base_.resize(program.ops.size());
  for (const ir::Op& op : program.ops) {
    std::vector<uint64_t>& bases = base_[static_cast<size_t>(op.id)];
    for (const ir::Tile& tile : op.tiles) {
      bases.push_back(total_);
      const TileWork work = tile_work(program, op, tile, hw, full, 1);
      const auto bytes = static_cast<int64_t>(std::ceil(work.dram_read_bytes + work.dram_write_bytes));
      const int64_t regions = (bytes + kRegionAlignBytes - 1) / kRegionAlignBytes;
      total_ += static_cast<uint64_t>(regions * kRegionAlignBytes);
    }
  }
}

uint64_t DramLayout::address(int op, int tile) const {
  return base_.at(static_cast<size_t>(op)).at(static_cast<size_t>(tile));
}

}  // namespace neurokv::cycle
