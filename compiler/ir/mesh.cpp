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

const NpCoord& route_source(const Program& program, const Route& route) {
  return program.ops.at(static_cast<size_t>(route.src_op)).tiles.at(static_cast<size_t>(route.src_tile)).np;
}

RouteDestinations::RouteDestinations(const Program& program) {
  // By destination op: the sets built so far, each with the route that first had it.
  std::vector<std::vector<std::pair<size_t, size_t>>> built(program.ops.size());
  set_of_.reserve(program.routes.size());
  for (size_t r = 0; r < program.routes.size(); ++r) {
    const Route& route = program.routes[r];
    auto& sets = built.at(static_cast<size_t>(route.dst_op));
    const auto same = std::find_if(sets.begin(), sets.end(), [&](const std::pair<size_t, size_t>& set) {
      return program.routes[set.first].dst_tiles == route.dst_tiles;
    });
    if (same != sets.end()) {
      set_of_.push_back(same->second);
      continue;
    }
    const Op& dst = program.ops[static_cast<size_t>(route.dst_op)];
    MulticastDestinations dsts;
    for (int tile : route.dst_tiles) dsts.add(dst.tiles.at(static_cast<size_t>(tile)).np);
    sets.emplace_back(r, sets_.size());
    set_of_.push_back(sets_.size());
    sets_.push_back(std::move(dsts));
  }
}

}  // namespace neurokv::ir
