#pragma once
// A wormhole router with virtual channels and credit-based flow control, one per mesh node. Each cycle the
// mesh first absorbs the credits returned the cycle before, then calls step() on every router holding a flit:
//   step():     route computation (XY, or the multicast tree's ports) for head flits, separable round-robin
//               VC allocation (each waiting input VC asks for one free downstream VC on each of its ports;
//               each downstream VC grants one asker), separable round-robin switch allocation (each input
//               port bids with one ready VC that has a credit, for every port it may cross to; each output
//               port grants one bidder), then switch and link traversal of the winners, a credit back
//               upstream for every flit that left a buffer. A multicast flit crosses to the ports it won in
//               one cycle and leaves its buffer once it has crossed to all of them (asynchronous
//               replication).
// A flit that arrived in cycle t may leave in cycle t + pipeline − 1 at the earliest and reaches the next
// router's buffer in the cycle after it leaves, so a hop costs `pipeline_cycles` at zero load. A flit sent
// over a link is written into the next router's buffer at once, stamped with the cycle it may leave, so links
// need no staging pass of their own. No allocator looks at a VC before its front flit is ready: the VC joins
// the router's ready set in that cycle (a ring of masks by the cycle they become ready), so a flit in the
// pipeline costs nothing until then.
#include <array>
#include <cstdint>
#include <vector>

#include "simulator/noc/activity.hpp"
#include "simulator/noc/flit_buffer.hpp"
#include "simulator/noc/input_port.hpp"
#include "simulator/noc/multicast_trees.hpp"
#include "simulator/noc/noc_params.hpp"
#include "simulator/noc/output_port.hpp"
#include "simulator/noc/port.hpp"

namespace neurokv::noc {

class NetworkInterface;

class Router {
 public:
  Router(int x, int y, const NocParams& params, const MulticastTrees& trees);

  // The routers on the other end of each port's links (nullptr at the mesh's edge), the node's network
  // interface (port kLocal) and the mesh's activity lists, which the router keeps up to date.
  void connect(const std::array<Router*, kPorts>& neighbours, NetworkInterface& local, Activity& activity);

  void step(int64_t cycle);
  // The mesh absorbed a credit for downstream VC `vc` of output port `out`: the input VC holding it may
  // cross.
  void credit_arrived(int out, int vc) {
    if (outputs_[static_cast<size_t>(out)].held(vc)) recheck(holder_[static_cast<size_t>(out * vcs_ + vc)]);
  }
  bool empty() const { return buffered_ == 0; }  // no flit in a buffer or on an incoming link

  // The network interface writes a flit into the local input port (it is its upstream); it arrives at once.
  void inject(int vc, const Flit& flit, int64_t cycle);

  int x() const { return x_; }
  int y() const { return y_; }
  // Flits in (or on the link into) VC `vc` of input `port`, and the most it ever held.
  int buffered(int port, int vc) const { return buffers_.size(port * vcs_ + vc); }
  int peak(int port, int vc) const { return buffers_.peak(port * vcs_ + vc); }
  const OutputPort& output(int port) const { return outputs_[static_cast<size_t>(port)]; }
  int64_t flits_in() const { return flits_in_; }
  int64_t flits_out() const { return flits_out_; }
  int64_t link_flits() const { return link_flits_; }  // flits sent to a neighbouring router (flit-hops)

 private:
  // A neighbour's link delivers a flit it sent in `cycle` (it arrives next cycle).
  void receive(int port, int vc, const Flit& flit, int64_t cycle);
  // Input VC `in` (port × vcs + vc) takes a flit that may leave from cycle `ready` on.
  void enter(int in, const Flit& flit, int64_t ready);
  InputVc& route(int in);
  void hold(int in, int o, int u);
  void allocate_vcs();
  void allocate_vcs_alone(int in);
  void allocate_switch(int64_t cycle);
  void allocate_switch_alone(int in, int64_t cycle);
  void traverse(int in_port, unsigned ports, int64_t cycle);  // the bidding VC's flit crosses to `ports`
  void return_credit(const CreditDue& upstream, int vc);      // counted upstream next cycle
  // Input VC `in`'s front flit, its readiness, its downstream VCs or their credits changed: whether it may
  // bid for the switch is derived again before the next switch allocation (refresh), and until then it does
  // not.
  void recheck(int in) {
    recheck_ |= uint64_t{1} << in;
    bidding_ &= ~(uint64_t{1} << in);
  }
  void wait(int in) {  // input VC `in`'s front is a head that has to be routed and allocated
    waiting_ |= uint64_t{1} << in;
    blocked_ &= ~(uint64_t{1} << in);
  }
  // Input VC `in` has a new front flit, ready from cycle `ready` on (the cycle it is written, or later).
  void front_ready_at(int in, int64_t ready) {
    if (ready <= now_) {
      ready_ |= uint64_t{1} << in;
    } else {
      ready_ &= ~(uint64_t{1} << in);
      due_[static_cast<size_t>(ready & due_mask_)] |= uint64_t{1} << in;
    }
  }
  void refresh();
  // The ports input VC `vc`'s front flit may cross to now: those whose downstream VC it holds has a credit.
  unsigned crossable(const InputVc& vc) const;

  int x_, y_, cols_, vcs_, pipeline_, node_;
  const MulticastTrees& trees_;
  // Input VCs are numbered port × vcs + vc; the masks below have a bit per input VC (at most 5 × 12 = 60).
  FlitBuffers buffers_;
  std::vector<InputVc> in_vcs_;
  std::array<InputPort, kPorts> inputs_{};
  std::array<OutputPort, kPorts> outputs_;  // by Port; kLocal ejects into the network interface
  std::array<Router*, kPorts> neighbours_{};
  NetworkInterface* local_ = nullptr;
  Activity* activity_ = nullptr;
  // Bit per input VC whose front flit is ready (may leave now), and by cycle modulo the ring's size (a power
  // of two above the pipeline: a flit is ready at most `pipeline` cycles after it is written), the VCs whose
  // front becomes ready then. The router is stepped every cycle while it holds a flit, so no slot is missed.
  uint64_t ready_ = 0;
  std::vector<uint64_t> due_;
  int64_t due_mask_ = 0;
  int64_t now_ = -1;      // the cycle step() last ran in
  uint64_t waiting_ = 0;  // VCs whose front is a head still lacking a downstream VC on one of its ports
  uint64_t blocked_ = 0;  // waiting VCs that found no free downstream VC on any port they need, since the
                          // last release on one of them: VC allocation skips them
  std::array<uint64_t, kPorts> routed_to_{};  // by output port: the input VCs whose front packet it is on
  // The switch allocator's candidates, kept up to date instead of re-derived from every VC each cycle: VCs
  // whose front flit is ready and may cross to a port (bidding_, with those ports in may_cross_), and VCs to
  // derive that for again (recheck_). A VC stalled on a credit costs nothing until the credit arrives.
  uint64_t bidding_ = 0;
  uint64_t recheck_ = 0;
  std::array<uint8_t, kPorts * kMaxVcs> may_cross_{};  // by input VC
  std::array<int8_t, kPorts * kMaxVcs> port_of_{};     // by input VC: its input port
  std::array<int8_t, kPorts * kMaxVcs> holder_{};      // by output port × vcs + downstream VC: the input
                                                       // VC holding it, while held
  std::array<int, kPorts> bid_{};  // switch allocation: the VC each bidding input port bids with this cycle
  int buffered_ = 0;               // flits in every input buffer
  int64_t flits_in_ = 0, flits_out_ = 0, link_flits_ = 0;
};

}  // namespace neurokv::noc
