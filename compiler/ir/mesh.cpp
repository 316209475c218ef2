#include "compiler/ir/mesh.hpp"

#include <algorithm>

namespace neurokv::ir {

std::vector<MeshLink> xy_path(int x0, int y0, int x1, int y1) {
  std::vector<MeshLink> links;
  int x = x0, y = y0;
  while (x != x1) {
    const int next = x + (x1 > x ? 1 : -1);
    links.push_back({x, y, next, y});
    x = next;
  }
  while (y != y1) {
    const int next = y + (y1 > y ? 1 : -1);
    links.push_back({x, y, x, next});
    y = next;
  }
  return links;
}

MulticastDestinations::MulticastDestinations(const std::vector<NpCoord>& dsts) {
  for (const NpCoord& dst : dsts) add(dst);
}

void MulticastDestinations::add(const NpCoord& dst) {
  if (columns_.empty()) {
    west_ = east_ = dst.x;
  } else {
    west_ = std::min(west_, dst.x);
    east_ = std::max(east_, dst.x);
  }
  // A mesh has tens of columns at most: a linear search beats a map.
  for (Column& c : columns_) {
    if (c.x == dst.x) {
      c.low = std::min(c.low, dst.y);
      c.high = std::max(c.high, dst.y);
      return;
    }
  }
  columns_.push_back({dst.x, dst.y, dst.y});
}

int MulticastDestinations::tree_links(const NpCoord& src) const {
  if (columns_.empty()) return 0;
  int links = std::max(0, east_ - src.x) + std::max(0, src.x - west_);
  for (const Column& c : columns_) links += std::max(0, c.high - src.y) + std::max(0, src.y - c.low);
  return links;
}

}  // namespace neurokv::ir
