#pragma once
// A packet in the mesh: where from and to, how many flits, when it was created, and the sender's tag. Its
// slot in the mesh's packet table is free again once every destination's sink has taken its tail.
#include <cstdint>

namespace neurokv::noc {

struct Packet {
  int src = 0;    // nodes, row-major
  int dst = 0;    // -1 for a multicast packet
  int tree = -1;  // a multicast packet's tree (multicast_trees.hpp)
  int flits = 1;
  int copies_left = 1;  // destinations whose sink has not taken the tail yet
  int64_t created = 0;  // the cycle it entered its source queue
  int64_t tag = 0;      // the sender's: what the packet is for (Mesh::send)
};

}  // namespace neurokv::noc
