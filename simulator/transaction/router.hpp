#pragma once
// A node's router: four outgoing mesh links (east, west, north, south) and the ejection port to its NPs.
// XY routing with multicast: a route's packet train follows the XY tree of its destinations (mesh.hpp), each
// link carried once. Links are contended resources, reserved at transaction level: a train holds a link for
// ceil(bytes / link_bytes_per_cycle) cycles starting when its head arrives and the link is free (first come,
// first served; virtual cut-through with unbounded buffers), and its head takes hop_latency_cycles per link.
// A destination receives the train when its tail arrives.
#include <array>
#include <cstdint>
#include <queue>
#include <systemc>
#include <vector>

#include "compiler/ir/program.hpp"
#include "simulator/transaction/network.hpp"
#include "simulator/transaction/sim_context.hpp"

namespace neurokv::transaction {

class Np;

// A route laid onto the mesh once, before the run.
struct RoutePlan {
  struct Hop {
    int node;    // the router whose outgoing link this is
    int dir;     // 0 east (+x), 1 west, 2 north (+y), 3 south
    int parent;  // the hop feeding it, -1 from the source node
  };
  struct Drop {
    int node;      // destination node
    int last_hop;  // the hop arriving at it, -1 when the source node is the destination node
    int np;        // NP index inside the node
    int tile;      // destination tile of route.dst_op
  };
  const ir::Route* route = nullptr;
  bool repeated_delivery = false;  // repeated_kv_deliveries (work.hpp): the route carries nothing
  int src_node = 0;
  int layer = -1;
  const std::string* name = nullptr;  // the source op, for the trace
  std::vector<Hop> hops;              // parents before children
  std::vector<Drop> drops;            // grouped by node
};

RoutePlan plan_route(const ir::Program& program, const ir::Route& route);

class Router : public sc_core::sc_module, public Network {
 public:
  Router(sc_core::sc_module_name name, SimContext& ctx);
  void connect(std::vector<Router*>* mesh, std::vector<Np*> nps);

  // Called on the source node's router when a tile finishes: reserves the train's links and schedules its
  // deliveries. Returns at once (the NP does not wait for its output to arrive). `held`: the events a
  // destination holds at once (fewer than `events` when a chunked prefill streams them through DRAM).
  void send(const RoutePlan& plan, double bytes, double events, double held) override;

  const double& bytes_sent() const { return bytes_sent_; }  // over this router's links, for the VCD

 private:
  SC_HAS_PROCESS(Router);
  struct Delivery {
    sc_core::sc_time at;
    uint64_t seq;  // ties broken by arrival order, for determinism
    const RoutePlan* plan;
    size_t begin, end;  // drops delivered here
    double events, held;
    bool operator>(const Delivery& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  void eject_at(const Delivery& delivery);
  void eject();

  SimContext& ctx_;
  std::vector<Router*>* mesh_ = nullptr;
  std::vector<Np*> nps_;
  std::array<sc_core::sc_time, 4> link_free_{};
  double bytes_sent_ = 0;
  std::priority_queue<Delivery, std::vector<Delivery>, std::greater<Delivery>> pending_;
  uint64_t next_seq_ = 0;
  sc_core::sc_event wake_;
};

}  // namespace neurokv::transaction
