#pragma once
// A wormhole router with virtual channels and credit-based flow control, one per mesh node. Each cycle:
//   absorb():   flits the links delivered enter their VC buffers; returned credits are counted.
//   step():     route computation (XY, or the multicast tree's ports) for head flits, separable round-robin
//               VC allocation (each waiting input VC asks for one free downstream VC on each of its ports;
//               each downstream VC grants one asker), separable round-robin switch allocation (each input
//               port bids with one ready VC that has a credit, for every port it may cross to; each output
//               port grants one bidder), then switch and link traversal of the winners, a credit back
//               upstream for every flit that left a buffer. A multicast flit crosses to the ports it won in
//               one cycle and leaves its buffer once it has crossed to all of them (asynchronous
//               replication).
// A flit that arrived in cycle t may leave in cycle t + pipeline − 1 at the earliest and reaches the next
// router's buffer in the cycle after it leaves, so a hop costs `pipeline_cycles` at zero load.
#include <array>
#include <cstdint>
#include <vector>

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

  // The routers on the other end of each port's links (nullptr at the mesh's edge) and the node's network
  // interface (port kLocal).
  void connect(const std::array<Router*, kPorts>& neighbours, NetworkInterface& local);

  void absorb(int64_t cycle);
  void step(int64_t cycle);
  bool empty() const { return buffered_ == 0 && staged_ == 0; }  // no flit in a buffer or on an incoming link

  // The network interface writes a flit into the local input port (it is its upstream); it arrives at once.
  void inject(int vc, const Flit& flit, int64_t cycle);

  int x() const { return x_; }
  int y() const { return y_; }
  const InputPort& input(int port) const { return inputs_[static_cast<size_t>(port)]; }
  const OutputPort& output(int port) const { return outputs_[static_cast<size_t>(port)]; }
  int64_t flits_in() const { return flits_in_; }
  int64_t flits_out() const { return flits_out_; }
  int64_t link_flits() const { return link_flits_; }  // flits sent to a neighbouring router (flit-hops)

 private:
  void receive(int port, int vc, const Flit& flit);  // a neighbour's link delivers next cycle
  void return_credit(int port, int vc);              // a neighbour frees a slot; counted next cycle
  void enter(int port, int vc, const Flit& flit, int64_t cycle);
  void allocate_vcs(int64_t cycle);
  void allocate_switch(int64_t cycle);
  void traverse(int in_port, unsigned ports, int64_t cycle);  // the bidding VC's flit crosses to `ports`
  // The ports of VC `vc` of input `port` whose downstream VC has a credit for its front flit.
  unsigned crossable(const InputVc& vc) const;
  bool ready(const InputVc& vc, int64_t cycle) const {
    return !vc.buffer.empty() && vc.buffer.front().ready <= cycle;
  }

  int x_, y_, cols_, vcs_, pipeline_;
  const MulticastTrees& trees_;
  std::vector<InputPort> inputs_;    // by Port
  std::vector<OutputPort> outputs_;  // by Port; kLocal ejects into the network interface
  std::array<Router*, kPorts> neighbours_{};
  NetworkInterface* local_ = nullptr;
  std::array<std::array<uint64_t, kMaxVcs>, kPorts>
      asks_{};                     // VC allocation: by output port and downstream VC,
                                   // the input VCs asking for it (bit port × vcs + vc)
  std::array<int, kPorts> bid_{};  // switch allocation: each input port's bidding VC this cycle, -1 for none
  int buffered_ = 0;               // flits in every input buffer
  int unallocated_ = 0;            // VCs with a head at the front that lacks a downstream VC on a port
  int staged_ = 0;                 // flits on the links into this router
  int credits_staged_ = 0;         // credits on the links into this router
  int64_t flits_in_ = 0, flits_out_ = 0, link_flits_ = 0;
};

}  // namespace neurokv::noc
