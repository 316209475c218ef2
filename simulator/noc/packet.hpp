#pragma once
// A packet of a run: where from and to, how many flits, and when it was created and delivered.
#include <cstdint>

namespace neurokv::noc {

struct Packet {
  int src = 0;    // nodes, row-major
  int dst = 0;    // -1 for a multicast packet
  int tree = -1;  // a multicast packet's tree (multicast_trees.hpp)
  int flits = 1;
  int64_t created = 0;     // the cycle it entered its source queue
  int64_t delivered = -1;  // the cycle its tail reached the destination's sink (multicast: the last one's);
                           // -1 while in flight
};

}  // namespace neurokv::noc
