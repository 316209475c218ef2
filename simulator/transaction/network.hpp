#pragma once
// What an NP hands its output routes to. The transaction model's Router reserves links per packet train; the
// cycle model's flit mesh (simulator/cycle/flit_network.hpp) cuts the train into packets and flits. Either
// way the network adds one barrier share per destination node and finishes it when that node's drops have
// been delivered to their NPs (Np::receive).
namespace neurokv::transaction {

struct RoutePlan;

class Network {
 public:
  virtual ~Network() = default;
  // A tile on the route's source node has finished: `bytes` leave it now, `events` of them count as events
  // at each destination tile, `held` of those occupy its input queue at once.
  virtual void send(const RoutePlan& plan, double bytes, double events, double held) = 0;
};

}  // namespace neurokv::transaction
