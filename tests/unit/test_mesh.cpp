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

TEST_CASE("a route's destinations are its own tiles' NPs, whatever order the routes are asked for in") {
  // Op 0 multicasts to op 1's tiles and op 2's: routes 0-2 share one list, route 3 has another to op 1, and
  // route 4 lists route 0's tiles in a list of its own.
  ir::Program program;
  program.ops.resize(3);
  for (int op = 0; op < 3; ++op) program.ops[static_cast<size_t>(op)].id = op;
  for (int t = 0; t < 3; ++t) program.ops[0].tiles.push_back({t, {t, 0, 0}});
  const std::vector<NpCoord> nps{{0, 3, 1}, {5, 1, 0}, {2, 2, 3}, {5, 4, 2}};
  for (size_t t = 0; t < nps.size(); ++t) {
    program.ops[1].tiles.push_back({static_cast<int>(t), nps[t]});
    program.ops[2].tiles.push_back({static_cast<int>(t), nps[nps.size() - 1 - t]});
  }
  const ir::TileList shared{0, 1, 3};
  program.routes = {{0, 0, 1, shared, 0},
                    {0, 1, 1, shared, 0},
                    {0, 2, 2, shared, 0},
                    {0, 2, 1, ir::TileList{2}, 0},
                    {0, 1, 1, ir::TileList{0, 1, 3}, 0}};
  const auto expected = [&](const ir::Route& route) {
    std::vector<NpCoord> dsts;
    for (int t : route.dst_tiles)
      dsts.push_back(program.ops[static_cast<size_t>(route.dst_op)].tiles[static_cast<size_t>(t)].np);
    return ir::MulticastDestinations(dsts);
  };
  for (const std::vector<size_t>& order :
       std::vector<std::vector<size_t>>{{0, 1, 2, 3, 4}, {3, 0, 4, 2, 1, 3, 0}}) {
    ir::RouteDestinations destinations(program);
    for (size_t r : order) {
      INFO("route " << r);
      const ir::Route& route = program.routes[r];
      const NpCoord& src = ir::route_source(program, route);
      const ir::MulticastDestinations& got = destinations.of(route);
      CHECK(visited(got, src) == visited(expected(route), src));
      CHECK(got.depth(src) == expected(route).depth(src));
    }
  }
  // Route 2's set: op 2's tiles 0, 1, 3 at (5,4), (2,2), (0,3) from (2,0): west to 0 and east to 5 along row
  // 0, up column 5 to row 4, column 2 to row 2, column 0 to row 3.
  ir::RouteDestinations destinations(program);
  CHECK(destinations.of(program.routes[2]).tree_links(program.ops[0].tiles[2].np) == 2 + 3 + 4 + 2 + 3);
}
