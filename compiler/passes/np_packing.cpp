#include "compiler/passes/np_packing.hpp"

namespace neurokv::passes {

std::optional<std::vector<int>> NextFitPacker::pack(const std::vector<int64_t>& tile_bytes) {
  int current = current_;
  int64_t fill = fill_;
  std::vector<int> bins;
  bins.reserve(tile_bytes.size());
  for (int64_t bytes : tile_bytes) {
    if (fill + bytes > capacity_) {
      ++current;
      fill = 0;
    }
    if (current >= bins_ || bytes > capacity_) return std::nullopt;
    fill += bytes;
    bins.push_back(current);
  }
  current_ = current;
  fill_ = fill;
  return bins;
}

}  // namespace neurokv::passes
