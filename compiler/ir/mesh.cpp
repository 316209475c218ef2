#include "compiler/ir/mesh.hpp"

#include <algorithm>
#include <tuple>

namespace neurokv::ir {

bool MeshLink::operator<(const MeshLink& o) const {
  return std::tie(x0, y0, x1, y1) < std::tie(o.x0, o.y0, o.x1, o.y1);
}

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

std::vector<MeshLink> xy_multicast_tree(const NpCoord& src, const std::vector<NpCoord>& dsts) {
  std::vector<MeshLink> tree;
  for (const NpCoord& dst : dsts) {
    const auto path = xy_path(src.x, src.y, dst.x, dst.y);
    tree.insert(tree.end(), path.begin(), path.end());
  }
  std::sort(tree.begin(), tree.end());
  tree.erase(std::unique(tree.begin(), tree.end()), tree.end());
  return tree;
}

}  // namespace neurokv::ir
