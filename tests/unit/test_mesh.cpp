#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <tuple>
#include <vector>

#include "compiler/ir/mesh.hpp"

using namespace neurokv;
using ir::MeshLink;
using ir::NpCoord;

namespace {

bool before(const MeshLink& a, const MeshLink& b) {
  return std::tie(a.x0, a.y0, a.x1, a.y1) < std::tie(b.x0, b.y0, b.x1, b.y1);
}

// The tree by its definition: the union of the XY paths, each link once.
std::vector<MeshLink> union_of_paths(const NpCoord& src, const std::vector<NpCoord>& dsts) {
  std::vector<MeshLink> tree;
  for (const NpCoord& dst : dsts) {
    for (const MeshLink& link : ir::xy_path(src.x, src.y, dst.x, dst.y)) tree.push_back(link);
  }
  std::sort(tree.begin(), tree.end(), before);
  tree.erase(std::unique(tree.begin(), tree.end()), tree.end());
  return tree;
}

std::vector<MeshLink> visited(const ir::MulticastDestinations& dsts, const NpCoord& src) {
  std::vector<MeshLink> tree;
  dsts.for_each_tree_link(src, [&](const MeshLink& link) { tree.push_back(link); });
  std::sort(tree.begin(), tree.end(), before);
  return tree;
}

}  // namespace

TEST_CASE(
    "the XY multicast tree from column extents is the union of the XY paths, each link once, its depth the "
    "farthest destination") {
  const NpCoord src{2, 1, 0};
  // East along row 1 to column 4, west to column 0; column 4 up to row 3, column 0 down to row 0; the
  // destination in the source's node costs nothing.
  const std::vector<NpCoord> dsts{{4, 3, 0}, {4, 2, 1}, {0, 0, 0}, {2, 1, 3}};
  const ir::MulticastDestinations tree(dsts);
  CHECK(tree.tree_links(src) == 2 + 2 + 2 + 1);
  CHECK(tree.depth(src) == 4);  // to (4, 3): 2 east, 2 up
  CHECK(visited(tree, src) == union_of_paths(src, dsts));
  CHECK(ir::MulticastDestinations().tree_links(src) == 0);
  CHECK(visited(ir::MulticastDestinations(), src).empty());

  // Random sources and destination sets on an 8 x 6 mesh: the same links as the paths' union.
  std::mt19937 random(7);
  std::uniform_int_distribution<int> x(0, 7), y(0, 5), count(1, 12);
  for (int trial = 0; trial < 500; ++trial) {
    const NpCoord from{x(random), y(random), 0};
    std::vector<NpCoord> to(static_cast<size_t>(count(random)));
    for (NpCoord& dst : to) dst = {x(random), y(random), 0};
    const ir::MulticastDestinations destinations(to);
    const std::vector<MeshLink> expected = union_of_paths(from, to);
    REQUIRE(visited(destinations, from) == expected);
    REQUIRE(destinations.tree_links(from) == static_cast<int>(expected.size()));
    int farthest = 0;
    for (const NpCoord& dst : to)
      farthest = std::max(farthest, std::abs(dst.x - from.x) + std::abs(dst.y - from.y));
    REQUIRE(destinations.depth(from) == farthest);
  }
}

TEST_CASE("mesh links have distinct indices, four per node, and mesh_link_at inverts them") {
  const int cols = 3, rows = 2;
  std::vector<int> seen;
  for (int y0 = 0; y0 < rows; ++y0) {
    for (int x0 = 0; x0 < cols; ++x0) {
      for (const auto& [dx, dy] : std::vector<std::pair<int, int>>{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
        const ir::MeshLink link{x0, y0, x0 + dx, y0 + dy};
        seen.push_back(ir::mesh_link_index(link, cols));
        CHECK(ir::mesh_link_at(seen.back(), cols) == link);
      }
    }
  }
  std::sort(seen.begin(), seen.end());
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
  CHECK(seen.front() == 0);
  CHECK(seen.back() == cols * rows * 4 - 1);
}
