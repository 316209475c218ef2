#pragma once
// Multicast trees on the mesh: for each tree, the output ports a flit takes at each router, the union of the
// XY paths from its source to each destination. Every link of the tree is crossed once and a flit is
// replicated at the routers where the paths part (a destination's router sends it out of port kLocal too).
//
// Only one-flit packets travel on trees (Mesh::multicast). Such a packet holds its own buffer slot, and a
// downstream VC on a branch only until that branch has a credit (it crosses there without waiting for its
// other branches); each branch is an XY path, so every wait is for a channel later in the XY order and the
// channel dependency graph stays acyclic, as for unicast XY. A worm of several flits could hold one branch's
// virtual channel while blocked on another and two such worms could wait on each other (Lin, McKinley & Ni,
// "Deadlock-free multicast wormhole routing in 2-D mesh multicomputers", IEEE TPDS 5(8), 1994), so longer
// packets go as unicast copies.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace neurokv::noc {

class MulticastTrees {
 public:
  MulticastTrees(int cols, int rows) : cols_(cols), nodes_(cols * rows) {}

  // The tree from `src` to `dsts` (nodes, row-major; repeats allowed); returns its id.
  int add(int src, const std::vector<int>& dsts);
  // Bit p: the flit leaves router `node` by port p (port.hpp).
  uint8_t ports(int tree, int node) const {
    return ports_[static_cast<std::size_t>(tree) * static_cast<std::size_t>(nodes_) +
                  static_cast<std::size_t>(node)];
  }
  int size() const { return static_cast<int>(ports_.size() / static_cast<std::size_t>(nodes_)); }

 private:
  int cols_, nodes_;
  std::vector<uint8_t> ports_;  // [tree × nodes + node]
};

}  // namespace neurokv::noc
