#pragma once
// The flit-level mesh: a router and a network interface per node, links between neighbours, and the one cycle
// loop that advances them all. Idle routers (no buffered flit, nothing on their links) are skipped.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

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

  // A packet of `flits` flits from node `src` to node `dst` (row-major), created now; returns its index.
  int64_t send(int src, int dst, int flits);
  // Advances one cycle: links deliver, interfaces inject, routers allocate and traverse.
  void step();

  int64_t cycle() const { return cycle_; }
  bool idle() const;  // no flit anywhere and no packet waiting
  const NocParams& params() const { return params_; }
  const std::vector<Packet>& packets() const { return packets_; }
  const Router& router(int node) const { return routers_[static_cast<size_t>(node)]; }
  const NetworkInterface& interface(int node) const { return interfaces_[static_cast<size_t>(node)]; }
  int64_t flit_hops() const;  // flits carried by router-to-router links so far

  // Flow-control invariants, for tests: for every link and VC, credits upstream + credit in flight + flits in
  // flight + flits in the downstream buffer = buffer depth, and no buffer ever held more than its depth.
  // Returns "" when they hold, else the first violation.
  std::string check_flow_control() const;

 private:
  NocParams params_;
  std::vector<Packet> packets_;
  std::deque<Router> routers_;  // stable addresses: routers and interfaces refer to each other
  std::deque<NetworkInterface> interfaces_;
  int64_t cycle_ = 0;
};

}  // namespace neurokv::noc
