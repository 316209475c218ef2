#pragma once
// A flit: the unit a link carries per cycle. A packet of N flits is a head (carries the route), N − 2 body
// flits and a tail (frees the virtual channel); a one-flit packet is head and tail at once.
#include <cstdint>

namespace neurokv::noc {

// 16 bytes: the routers copy flits from buffer to buffer every hop.
struct Flit {
  int32_t packet = 0;  // the packet's slot in the mesh's packet table (in flight at once: far below 2^31)
  int16_t dst_x = 0;   // destination node's column and row (a mesh is at most 256 × 256); unused by a
  int16_t dst_y = 0;   // multicast flit
  int32_t tree = -1;   // a multicast flit's tree (multicast_trees.hpp), routed by it instead of dst_x, dst_y
  bool head = false;
  bool tail = false;
};

}  // namespace neurokv::noc
