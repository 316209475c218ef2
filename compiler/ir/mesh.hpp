#pragma once
// Geometry of the 2D mesh: XY (dimension-ordered) routes between nodes. Shared by the route pass, the
// verifier, the analytic estimator and the simulator's Router, so all four agree on every hop.
#include <boost/container/small_vector.hpp>
#include <vector>

#include "compiler/ir/program.hpp"

namespace neurokv::ir {

// An NP's index when the chip's NPs are numbered node by node in row-major order (a node's NPs consecutive):
// the order of the analytic estimator's and the transaction model's per-NP arrays.
inline int np_index(const NpCoord& np, int mesh_cols, int nps_per_node) {
  return (np.y * mesh_cols + np.x) * nps_per_node + np.np;
}
inline int np_index(const Program& program, const NpCoord& np) {
  return np_index(np, program.chip.mesh_cols, program.chip.nps_per_node);
}

// The NP at `index` in that order: np_index's inverse.
inline NpCoord np_coord(int index, int mesh_cols, int nps_per_node) {
  const int node = index / nps_per_node;
  return {node % mesh_cols, node / mesh_cols, index % nps_per_node};
}

// A directed link between neighbouring nodes (from (x0,y0) to (x1,y1)).
struct MeshLink {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool operator==(const MeshLink& o) const { return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1; }
};

// A link's index among the mesh's 4 × nodes directed links: its source node in row-major order, then its
// direction (east, west, north (+y), south).
inline int mesh_link_index(const MeshLink& link, int mesh_cols) {
  const int direction = link.x1 > link.x0 ? 0 : link.x1 < link.x0 ? 1 : link.y1 > link.y0 ? 2 : 3;
  return (link.y0 * mesh_cols + link.x0) * 4 + direction;
}

// The link at `index` in that order: mesh_link_index's inverse.
inline MeshLink mesh_link_at(int index, int mesh_cols) {
  const int node = index / 4;
  const int x = node % mesh_cols, y = node / mesh_cols;
  static constexpr int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
  return {x, y, x + dx[index % 4], y + dy[index % 4]};
}

// Links of the XY path from one node to another: along x first, then along y.
std::vector<MeshLink> xy_path(int x0, int y0, int x1, int y1);

// A multicast's destinations as its XY tree sees them. The tree from a source node is the union of the XY
// paths to every destination: along the source's row out to the farthest destination column on either side,
// then along each destination column up and down to its farthest destination. So each column's lowest and
// highest destination row give the tree from any source, without listing (and de-duplicating) paths: the
// route pass reuses one set of destinations for every producer tile that multicasts to it. NPs in the
// source's node cost no link.
class MulticastDestinations {
 public:
  MulticastDestinations() = default;
  explicit MulticastDestinations(const std::vector<NpCoord>& dsts);

  void add(const NpCoord& dst);
  bool empty() const { return columns_.empty(); }

  // The number of links of the tree from `src`'s node.
  int tree_links(const NpCoord& src) const;
  // Links on the tree's longest path from `src`'s node: to the farthest destination, which in each column is
  // its lowest or highest row.
  int depth(const NpCoord& src) const;

  // Calls `visit(MeshLink)` once for each link of the tree from `src`'s node.
  template <typename Visit>
  void for_each_tree_link(const NpCoord& src, Visit&& visit) const {
    if (columns_.empty()) return;
    for (int x = src.x; x < east_; ++x) visit(MeshLink{x, src.y, x + 1, src.y});
    for (int x = src.x; x > west_; --x) visit(MeshLink{x, src.y, x - 1, src.y});
    for (const Column& c : columns_) {
      for (int y = src.y; y < c.high; ++y) visit(MeshLink{c.x, y, c.x, y + 1});
      for (int y = src.y; y > c.low; --y) visit(MeshLink{c.x, y, c.x, y - 1});
    }
  }

 private:
  struct Column {
    int x = 0;
    int low = 0;   // lowest destination row
    int high = 0;  // highest destination row
  };
  // One per column holding a destination, in the order first met. A program has a set per tensor and head
  // slice, most spanning up to 8 columns: those need no allocation.
  boost::container::small_vector<Column, 8> columns_;
  int west_ = 0;  // the westmost and eastmost destination columns
  int east_ = 0;
};

// The NP a route leaves from.
const NpCoord& route_source(const Program& program, const Route& route);

// The destinations of a program's routes, a set built when a route's tile list is met: every route of a
// tensor to a consumer tiled by channels goes to all its tiles, and a head-split consumer's tiles are shared
// by a few sources. The route pass and the parser share a list between the routes that have it
// (ir::TileList), and routes are ordered by source, so a destination op's routes with the same list follow
// each other: each destination op keeps the set of the last list met, and taken in route order each run of
// routes sharing a list builds its set once (routes listing the same tiles in lists of their own build it
// again).
class RouteDestinations {
 public:
  explicit RouteDestinations(const Program& program) : program_(program), last_(program.ops.size()) {}
  // `route`'s destinations, valid until a route to the same op with another list is asked for.
  const MulticastDestinations& of(const Route& route);

 private:
  struct Kept {
    const void* list = nullptr;  // the list's identity (TileList::identity)
    MulticastDestinations set;
  };
  const Program& program_;
  std::vector<Kept> last_;  // by destination op
};

}  // namespace neurokv::ir
