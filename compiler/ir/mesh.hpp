#pragma once
// Geometry of the 2D mesh: XY (dimension-ordered) routes between nodes. Shared by the route pass, the
// verifier, the analytic estimator and the simulator's Router, so all four agree on every hop.
#include <vector>

#include "compiler/ir/program.hpp"

namespace neurokv::ir {

// An NP's index when the chip's NPs are numbered node by node in row-major order (a node's NPs consecutive):
// the order of the analytic estimator's and the cycle model's per-NP arrays.
inline int np_index(const NpCoord& np, int mesh_cols, int nps_per_node) {
  return (np.y * mesh_cols + np.x) * nps_per_node + np.np;
}

// The NP at `index` in that order: np_index's inverse.
inline NpCoord np_coord(int index, int mesh_cols, int nps_per_node) {
  const int node = index / nps_per_node;
  return {node % mesh_cols, node / mesh_cols, index % nps_per_node};
}

// A directed link between neighbouring nodes (from (x0,y0) to (x1,y1)).
struct MeshLink {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool operator<(const MeshLink& o) const;
  bool operator==(const MeshLink& o) const { return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1; }
};

// Links of the XY path from one node to another: along x first, then along y.
std::vector<MeshLink> xy_path(int x0, int y0, int x1, int y1);

// Links of the multicast tree from `src` to every destination: the union of their XY paths, each link once,
// sorted. NPs in the same node as the source cost no link.
std::vector<MeshLink> xy_multicast_tree(const NpCoord& src, const std::vector<NpCoord>& dsts);

}  // namespace neurokv::ir
