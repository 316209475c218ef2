#pragma once
// A router's input side: per input virtual channel, the state of the packet at its front (the output port its
// head was routed to — several for a multicast flit — and the downstream VC it holds on each from its head
// until its tail leaves); per input port, the switch allocator's first stage. The flits themselves are in the
// router's FlitBuffers (flit_buffer.hpp).
#include <array>
#include <cstdint>

#include "simulator/noc/port.hpp"
#include "simulator/noc/round_robin.hpp"

namespace neurokv::noc {

struct InputVc {
  InputVc() { out_vc.fill(-1); }

  // Bytes, not ints: a router's state is read on every flit-hop, and the smaller it is the more of the
  // mesh stays in the cache.
  uint8_t out_ports = 0;    // routed: bit per output port of the front packet; 0 until its head is routed
  uint8_t unallocated = 0;  // of out_ports, those that hold no downstream VC yet
  uint8_t sent = 0;         // ports the front flit has crossed to (it leaves once it has crossed to all)
  std::array<int8_t, kPorts>
      out_vc{};          // allocated: per port, the downstream VC held; -1 until VC allocation grants one
  RoundRobin vc_choice;  // VC allocation, first stage: which free downstream VC this VC asks for
};

struct InputPort {
  RoundRobin switch_choice;  // switch allocation, first stage: which ready VC bids for the crossbar
  int64_t arrived = -1;      // the last cycle the upstream link delivered a flit (one per cycle at most)
};

}  // namespace neurokv::noc
