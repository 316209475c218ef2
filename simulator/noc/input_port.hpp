#pragma once
// A router's input port: one buffer per virtual channel, each with the state of the packet at its front (the
// output port its head was routed to and the downstream VC it holds from its head until its tail leaves), and
// the one-flit staging slot the upstream link writes (a link carries one flit per cycle, taken in next
// cycle).
#include <cstdint>
#include <vector>

#include "simulator/noc/flit_buffer.hpp"
#include "simulator/noc/round_robin.hpp"

namespace neurokv::noc {

struct InputVc {
  explicit InputVc(int depth) : buffer(depth) {}

  FlitBuffer buffer;
  int out_port = -1;     // routed: the front packet's output port; -1 until its head is routed
  int out_vc = -1;       // allocated: the downstream VC it holds; -1 until VC allocation grants one
  RoundRobin vc_choice;  // VC allocation, first stage: which free downstream VC this VC asks for
};

struct InputPort {
  InputPort(int vc_count, int depth) : vcs(static_cast<size_t>(vc_count), InputVc(depth)) {}

  std::vector<InputVc> vcs;
  RoundRobin switch_choice;  // switch allocation, first stage: which ready VC bids for the crossbar
  uint64_t occupied = 0;     // bit per VC holding a flit: the allocators look at these only
  bool staged = false;       // a flit the upstream link delivers next cycle
  int staged_vc = 0;
  Flit staged_flit;
};

}  // namespace neurokv::noc
