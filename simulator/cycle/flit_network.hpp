#pragma once
// The cycle fidelity's network: the program's routes carried by the flit-level mesh (simulator/noc/: input
// buffers of `noc.buffer_flits` per virtual channel, `noc.vcs` VCs, credits, wormhole switching, separable
// round-robin allocation, XY routing, a hop of `noc.hop_latency_cycles`, flits of
// `noc.link_bytes_per_cycle`). A tile's output is cut into packets: every event is a packet of its own,
// `noc.event_bytes` long; a route of data (KV rows, rotated keys) is cut into packets of kDataPacketBytes. A
// route to several nodes sends each one-flit packet down the route's XY tree, replicated at its branch
// routers (noc/multicast_trees.hpp: why that cannot deadlock, and why longer packets go as unicast copies,
// one per destination node, interleaved packet by packet). A destination node's NPs receive the route when
// its last packet's tail reaches the node's sink. Traffic between the NPs of one node does not enter the
// mesh (the router model has one local port per node, not one per NP): it arrives route_cycles(bytes, 0)
// after it left, as at transaction fidelity.
//
// DRAM data crosses the mesh too (command_dma.hpp): a transfer's packets go between a channel's attach node
// (`dram.attach_nodes`) and the NP's node, each entering the mesh at the cycle its data is ready; a packet
// whose two ends are one node does not enter the mesh and arrives when it is ready.
//
// One SC_THREAD clocks the mesh: it steps every cycle while a flit is in the mesh or a packet waits at an
// interface and sleeps while the mesh is idle (between waves, while the NPs compute), so an idle mesh costs
// nothing.
#include <cstdint>
#include <functional>
#include <map>
#include <queue>
#include <systemc>
#include <vector>

#include "simulator/noc/mesh.hpp"
#include "simulator/transaction/network.hpp"
#include "simulator/transaction/router.hpp"
#include "simulator/transaction/sim_context.hpp"

namespace neurokv::transaction {
class Np;
}

namespace neurokv::cycle {

// Bytes per packet of a data route (assumed: one DMA burst of 64 B, dram.burst_bytes of the shipped chips).
inline constexpr double kDataPacketBytes = 64;

class FlitNetwork : public sc_core::sc_module, public transaction::Network {
 public:
  // Throws InputError when the chip's NoC keys do not make a flit-level mesh (noc/noc_params.hpp).
  FlitNetwork(sc_core::sc_module_name name, transaction::SimContext& ctx);

  // The chip's NPs in chip-wide index order (ir::np_index).
  void connect(std::vector<transaction::Np*> nps) { nps_ = std::move(nps); }
  void send(const transaction::RoutePlan& plan, double bytes, double events, double held) override;

  // A DMA transfer of `packets` data packets (carry() sends them); `done` runs, on the mesh's thread, when
  // the last has arrived. Returns its id.
  int32_t open_transfer(int64_t packets, std::function<void()> done);
  // One data packet of `bytes` (at most kDataPacketBytes) of transfer `transfer` from node `from` to node
  // `to`, entering the mesh at `ready` (not before now); its hop-bytes count for layer `layer`.
  void carry(int32_t transfer, int from, int to, double bytes, int layer, sc_core::sc_time ready);

  const noc::Mesh& mesh() const { return mesh_; }
  int64_t packets() const { return packets_; }  // sent over the whole run (a multicast packet once)
  int64_t flits_addressed() const { return flits_addressed_; }  // flits × destination nodes, whole run

 private:
  SC_HAS_PROCESS(FlitNetwork);
  void clock();
  void local();  // delivers the routes' drops on their source's own node
  void deliver(size_t delivery);
  void arrived(const noc::Arrival& arrival);
  void inject_due();  // the carried packets whose time has come
  void transfer_arrived(int32_t transfer);
  int tree(const transaction::RoutePlan& plan);  // the plan's multicast tree, laid once

  // The drops of one route at one destination node, waiting for their packets.
  struct Delivery {
    const transaction::RoutePlan* plan;
    int node;
    size_t begin, end;  // plan->drops at the node
    double events, held;
    int64_t packets_left;
    double sent;  // cycle the route left its source
  };

  transaction::SimContext& ctx_;
  noc::Mesh mesh_;
  std::vector<transaction::Np*> nps_;
  std::vector<Delivery> deliveries_;  // of the packets in the mesh; cleared when it is idle
  std::map<const transaction::RoutePlan*, int> trees_;
  struct Transfer {
    int64_t packets_left;
    std::function<void()> done;
  };
  std::vector<Transfer> transfers_;  // cleared with deliveries_
  struct Carried {
    sc_core::sc_time at;
    int64_t seq;  // ties broken by carry order, for determinism
    int32_t transfer;
    int from, to, flits;
    bool operator>(const Carried& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::priority_queue<Carried, std::vector<Carried>, std::greater<Carried>> due_;
  int64_t carry_seq_ = 0;
  int64_t open_ = 0;  // deliveries and transfers still waiting for packets
  int64_t packets_ = 0;
  int64_t flits_addressed_ = 0;
  sc_core::sc_event work_;
  struct Local {
    sc_core::sc_time at;
    int64_t seq;  // ties broken by send order, for determinism
    size_t delivery;
    bool operator>(const Local& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::priority_queue<Local, std::vector<Local>, std::greater<Local>> locals_;
  int64_t local_seq_ = 0;
  sc_core::sc_event local_due_;
};

}  // namespace neurokv::cycle
