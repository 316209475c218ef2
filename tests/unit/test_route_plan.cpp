#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <tuple>
#include <vector>

#include "compiler/ir/mesh.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/transaction/router.hpp"

using namespace neurokv;
using transaction::RoutePlan;

namespace {

int direction(const ir::MeshLink& link) {
  if (link.x1 != link.x0) return link.x1 > link.x0 ? 0 : 1;
  return link.y1 > link.y0 ? 2 : 3;
}

// The plan by its definition: each destination's XY path walked from the source, a link laid as a hop the
// first time a path uses it (its parent the hop before it on that path), each drop fed by its path's last
// hop; drops grouped by node in destination order.
RoutePlan defined_plan(const ir::Program& program, const ir::Route& route) {
  const int cols = program.chip.mesh_cols;
  const ir::NpCoord& src = program.ops[0].tiles[static_cast<size_t>(route.src_tile)].np;
  RoutePlan plan;
  for (int tile : route.dst_tiles) {
    const ir::NpCoord& dst = program.ops[1].tiles[static_cast<size_t>(tile)].np;
    int parent = -1;
    for (const ir::MeshLink& link : ir::xy_path(src.x, src.y, dst.x, dst.y)) {
      const RoutePlan::Hop hop{link.y0 * cols + link.x0, direction(link), parent};
      const auto laid = std::find_if(plan.hops.begin(), plan.hops.end(), [&](const RoutePlan::Hop& h) {
        return h.node == hop.node && h.dir == hop.dir;
      });
      parent = static_cast<int>(laid - plan.hops.begin());
      if (laid == plan.hops.end()) plan.hops.push_back(hop);
    }
    plan.drops.push_back({dst.y * cols + dst.x, parent, dst.np, tile});
  }
  std::stable_sort(plan.drops.begin(), plan.drops.end(),
                   [](const RoutePlan::Drop& a, const RoutePlan::Drop& b) { return a.node < b.node; });
  return plan;
}

bool same(const RoutePlan& a, const RoutePlan& b) {
  const auto hop = [](const RoutePlan::Hop& h) { return std::tie(h.node, h.dir, h.parent); };
  const auto drop = [](const RoutePlan::Drop& d) { return std::tie(d.node, d.last_hop, d.np, d.tile); };
  return std::equal(a.hops.begin(), a.hops.end(), b.hops.begin(), b.hops.end(),
                    [&](const auto& x, const auto& y) { return hop(x) == hop(y); }) &&
         std::equal(a.drops.begin(), a.drops.end(), b.drops.begin(), b.drops.end(),
                    [&](const auto& x, const auto& y) { return drop(x) == drop(y); });
}

}  // namespace

TEST_CASE(
    "a route's plan lays each link of its XY multicast tree once, in the order its paths first use it") {
  ir::Program program;
  program.chip.mesh_cols = 8;
  program.chip.mesh_rows = 6;
  program.chip.nps_per_node = 4;
  program.ops.resize(2);
  program.ops[0].name = "src";
  program.ops[1].id = 1;
  // A source tile at (2, 1) and destination tiles on every NP of the mesh, four to a node.
  program.ops[0].tiles.emplace_back().np = {2, 1, 0};
  for (int y = 0; y < 6; ++y) {
    for (int x = 0; x < 8; ++x) {
      for (int np = 0; np < 4; ++np) {
        program.ops[1].tiles.emplace_back().np = {x, y, np};
      }
    }
  }
  const int tiles = static_cast<int>(program.ops[1].tiles.size());
  ir::Route route;
  route.dst_op = 1;

  // Two destinations east then back west along row 1, one up column 4, one on the source's own node.
  route.dst_tiles =
      std::vector<int>{(1 * 8 + 4) * 4 + 2, (1 * 8 + 0) * 4, (3 * 8 + 4) * 4 + 1, (1 * 8 + 2) * 4 + 3};
  const RoutePlan plan = transaction::plan_route(program, route);
  REQUIRE(plan.hops.size() == 2 + 2 + 2);  // (2,1)->(4,1); (2,1)->(0,1); (4,1)->(4,3)
  CHECK(plan.hops[0].node == 1 * 8 + 2);
  CHECK(plan.hops[0].dir == 0);
  CHECK(plan.hops[0].parent == -1);
  CHECK(plan.hops[4].node == 1 * 8 + 4);  // up from the first path's end
  CHECK(plan.hops[4].dir == 2);
  CHECK(plan.hops[4].parent == 1);
  REQUIRE(plan.drops.size() == 4);
  CHECK(plan.drops[0].node == 1 * 8 + 0);  // grouped by node: (0,1), (2,1), (4,1), (4,3)
  CHECK(plan.drops[1].last_hop == -1);     // the source's own node: no link
  CHECK(plan.drops[3].last_hop == 5);
  CHECK(same(plan, defined_plan(program, route)));

  // Random destination sets, nodes repeated (several NPs of a node) and in any order, from random sources.
  std::mt19937 random(11);
  std::uniform_int_distribution<int> tile(0, tiles - 1), count(1, 64), x(0, 7), y(0, 5);
  for (int trial = 0; trial < 300; ++trial) {
    program.ops[0].tiles[0].np = {x(random), y(random), 0};
    std::vector<int> dsts(static_cast<size_t>(count(random)));
    for (int& dst : dsts) dst = tile(random);
    route.dst_tiles = dsts;
    INFO("trial " << trial);
    CHECK(same(transaction::plan_route(program, route), defined_plan(program, route)));
  }
}
