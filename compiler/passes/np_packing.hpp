#pragma once
// How resident weight tiles share NPs: next-fit in the order tiles are offered. `partition` uses it to decide
// which ops stay resident and `place` replays it to assign NPs, so both agree on every byte.
#include <cstdint>
#include <optional>
#include <vector>

namespace neurokv::passes {

class NextFitPacker {
 public:
  NextFitPacker(int bins, int64_t capacity) : bins_(bins), capacity_(capacity) {}

  // Packs the tiles (bytes each) after those already packed; returns each tile's bin, or nothing (and packs
  // nothing) when they do not fit in the remaining bins.
  std::optional<std::vector<int>> pack(const std::vector<int64_t>& tile_bytes);

 private:
  int bins_;
  int64_t capacity_;
  int current_ = 0;
  int64_t fill_ = 0;
};

}  // namespace neurokv::passes
