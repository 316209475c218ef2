#pragma once
// A node's network interface: the source queue of packets its node generated (unbounded, so offered load
// never blocks the generator: queueing in it is part of a packet's latency), the injection channel that
// writes one flit per cycle into the router's local input port under credit flow control, and the sink that
// takes one flit per cycle from the router's ejection port, reports each packet's arrival and frees its slot
// once every destination has taken it.
#include <cstdint>
#include <deque>
#include <vector>

#include "simulator/noc/flit.hpp"
#include "simulator/noc/output_port.hpp"
#include "simulator/noc/packet.hpp"

namespace neurokv::noc {

class Router;

// A packet's tail reaching a node's sink (a multicast packet arrives once at each destination): a copy of
// the packet, as its slot may be reused before the arrival is read.
struct Arrival {
  Packet packet;
  int node = 0;
  int64_t cycle = 0;  // the cycle the sink took the tail
};

class NetworkInterface {
 public:
  NetworkInterface(int node, int cols, int vcs, int buffer_flits, Router& router,
                   std::vector<Packet>& packets, std::vector<int64_t>& free_slots);

  // Packet `slot` joins the source queue; what injection needs of it is copied, so injecting does not read
  // the packet table (in a whole program, one route may queue a table far larger than the cache).
  void enqueue(int64_t slot, const Packet& packet);
  // Writes the next flit, if any, into the router (the mesh absorbed the returned credits first).
  void inject(int64_t cycle);
  void eject(const Flit& flit, int64_t cycle);  // the flit reaches the sink in `cycle`
  // Appends each packet whose tail reaches the sink to `delivered` (Mesh::record_deliveries).
  void record_deliveries(std::vector<Arrival>* delivered) { delivered_ = delivered; }

  OutputPort& injection() { return injection_; }
  const OutputPort& injection() const { return injection_; }
  bool idle() const { return queue_.empty() && !busy_; }
  int64_t flits_injected() const { return flits_injected_; }
  int64_t flits_ejected() const { return flits_ejected_; }

 private:
  OutputPort injection_;
  Router& router_;
  std::vector<Packet>& packets_;
  std::vector<int64_t>& free_slots_;  // the mesh's: slots of packets every destination has taken
  std::vector<Arrival>* delivered_ = nullptr;
  int node_, cols_;
  struct Queued {
    Flit flit;  // its flits' slot and route; head and tail set per flit
    int flits;
  };
  std::deque<Queued> queue_;  // packets not yet started, oldest first
  Queued sending_{};          // the packet being injected, while busy_
  bool busy_ = false;
  int sending_vc_ = 0;
  int next_flit_ = 0;
  RoundRobin vc_choice_;
  int64_t flits_injected_ = 0, flits_ejected_ = 0;
};

}  // namespace neurokv::noc
