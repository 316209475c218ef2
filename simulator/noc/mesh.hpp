#pragma once
// The flit-level mesh: a router and a network interface per node, links between neighbours, and the one cycle
// loop that advances them all. Only the routers holding a flit and the interfaces with a packet to send are
// visited (activity.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include "simulator/noc/activity.hpp"
#include "simulator/noc/multicast_trees.hpp"
#include "simulator/noc/network_interface.hpp"
#include "simulator/noc/noc_params.hpp"
#include "simulator/noc/packet.hpp"
#include "simulator/noc/router.hpp"

namespace neurokv::noc {

class Mesh {
 public:
  explicit Mesh(const NocParams& params);  // throws InputError for parameters out of range
  Mesh(const Mesh&) = delete;
  Mesh& operator=(const Mesh&) = delete;

  // A packet of `flits` flits from node `src` to node `dst` (row-major), created now, carrying `tag` to its
  // Arrival; returns its slot (reused once the packet has arrived).
  int64_t send(int src, int dst, int flits, int64_t tag = 0);
  // A tree from `src` to the nodes `dsts` for multicast(), kept for the mesh's life; returns its id.
  int add_tree(int src, const std::vector<int>& dsts);
  // A one-flit packet from node `src` down tree `tree`, replicated at its branch routers (multicast_trees.hpp
  // says why only one flit); returns its index. Throws std::logic_error for a tree from another source.
  int64_t multicast(int src, int tree, int64_t tag = 0);
  // Advances one cycle: returned credits arrive, interfaces inject, routers allocate and traverse.
  void step();

  // From now on, remembers the packets whose tails reach their sinks, for take_delivered().
  void record_deliveries();
  // The packets delivered since the last call, in the order their tails arrived.
  std::vector<Arrival> take_delivered();
  void take_delivered(std::vector<Arrival>& into);  // into `into`, replacing what it held

  int64_t cycle() const { return cycle_; }
  bool idle() const {  // no flit anywhere and no packet waiting
    return activity_.routers.empty() && activity_.interfaces.empty();
  }
  const NocParams& params() const { return params_; }
  int64_t packets_sent() const { return packets_sent_; }
  // Slots in the packet table: the most packets in the mesh at once, not every packet sent.
  int64_t packet_slots() const { return static_cast<int64_t>(packets_.size()); }
  const Router& router(int node) const { return routers_[static_cast<size_t>(node)]; }
  const NetworkInterface& interface(int node) const { return interfaces_[static_cast<size_t>(node)]; }
  int64_t flit_hops() const;  // flits carried by router-to-router links so far

  // Flow-control invariants, for tests: for every link and VC, credits upstream + credit in flight + flits in
  // flight + flits in the downstream buffer = buffer depth, and no buffer ever held more than its depth.
  // Returns "" when they hold, else the first violation.
  std::string check_flow_control() const;

 private:
  int64_t add_packet(Packet packet);

  NocParams params_;
  std::vector<Packet> packets_;      // by slot
  std::vector<int64_t> free_slots_;  // of packets every destination has taken
  int64_t packets_sent_ = 0;
  // Reserved for every node before the first is added, so their addresses, by which routers and interfaces
  // refer to each other, never change.
  std::vector<Router> routers_;
  std::vector<NetworkInterface> interfaces_;
  std::vector<Arrival> delivered_;
  MulticastTrees trees_;
  std::vector<int> tree_sources_;       // by tree
  std::vector<int> tree_destinations_;  // by tree: the nodes whose sinks take a copy
  Activity activity_;
  int64_t cycle_ = 0;
};

}  // namespace neurokv::noc
