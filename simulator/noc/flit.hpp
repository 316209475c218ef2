#pragma once
// A flit: the unit a link carries per cycle. A packet of N flits is a head (carries the route), N − 2 body
// flits and a tail (frees the virtual channel); a one-flit packet is head and tail at once.
#include <cstdint>

namespace neurokv::noc {

struct Flit {
  int64_t packet = 0;  // the packet's index in the run (NetworkInterface's packet table)
  int dst = 0;         // destination node, row-major (y × cols + x); -1 for a multicast flit
  int tree = -1;       // a multicast flit's tree (multicast_trees.hpp), routed by it instead of `dst`
  bool head = false;
  bool tail = false;
};

}  // namespace neurokv::noc
