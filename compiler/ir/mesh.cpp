#include "compiler/ir/mesh.hpp"

#include <algorithm>
#include <cstdlib>

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
  // A mesh has tens of columns at most: a linear search beats a map. From the last column met: a tensor's
  // tiles sit on consecutive NPs, so most of a node's NPs follow one another.
  for (auto c = columns_.rbegin(); c != columns_.rend(); ++c) {
    if (c->x == dst.x) {
      c->low = std::min(c->low, dst.y);
      c->high = std::max(c->high, dst.y);
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

int MulticastDestinations::depth(const NpCoord& src) const {
  int depth = 0;
  for (const Column& c : columns_)
    depth =
        std::max(depth, std::abs(c.x - src.x) + std::max(std::abs(c.high - src.y), std::abs(c.low - src.y)));
  return depth;
}

const NpCoord& route_source(const Program& program, const Route& route) {
  return program.ops.at(static_cast<size_t>(route.src_op)).tiles.at(static_cast<size_t>(route.src_tile)).np;
}

const MulticastDestinations& RouteDestinations::of(const Route& route) {
  Kept& kept = last_.at(static_cast<size_t>(route.dst_op));
  if (kept.list != route.dst_tiles.identity()) {
    kept.list = route.dst_tiles.identity();
    kept.set = MulticastDestinations();
    const Op& dst = program_.ops[static_cast<size_t>(route.dst_op)];
    for (int tile : route.dst_tiles) kept.set.add(dst.tiles.at(static_cast<size_t>(tile)).np);
  }
  return kept.set;
}

}  // namespace neurokv::ir
