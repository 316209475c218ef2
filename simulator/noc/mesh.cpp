#include "simulator/noc/mesh.hpp"

#include <fmt/format.h>

#include <set>
#include <stdexcept>

namespace neurokv::noc {

Mesh::Mesh(const NocParams& params)
    : params_(params), trees_(params.cols, params.rows), activity_(params.cols * params.rows) {
  check(params);
  routers_.reserve(static_cast<size_t>(params.nodes()));
  interfaces_.reserve(static_cast<size_t>(params.nodes()));
  for (int node = 0; node < params.nodes(); ++node)
    routers_.emplace_back(node % params.cols, node / params.cols, params, trees_);
  for (int node = 0; node < params.nodes(); ++node)
    interfaces_.emplace_back(node, params.cols, params.vcs, params.buffer_flits,
                             routers_[static_cast<size_t>(node)], packets_, free_slots_);
  const auto at = [&](int x, int y) -> Router* {
    if (x < 0 || y < 0 || x >= params.cols || y >= params.rows) return nullptr;
    return &routers_[static_cast<size_t>(y * params.cols + x)];
  };
  for (int node = 0; node < params.nodes(); ++node) {
    Router& r = routers_[static_cast<size_t>(node)];
    std::array<Router*, kPorts> neighbours{};
    neighbours[kEast] = at(r.x() + 1, r.y());
    neighbours[kWest] = at(r.x() - 1, r.y());
    neighbours[kNorth] = at(r.x(), r.y() + 1);
    neighbours[kSouth] = at(r.x(), r.y() - 1);
    r.connect(neighbours, interfaces_[static_cast<size_t>(node)], activity_);
  }
}

int64_t Mesh::add_packet(Packet packet) {
  packet.created = cycle_;
  int64_t slot = 0;
  if (free_slots_.empty()) {
    slot = static_cast<int64_t>(packets_.size());
    if (slot > INT32_MAX) throw std::logic_error("noc: more than 2^31 packets in the mesh at once");
    packets_.push_back(packet);
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    packets_[static_cast<size_t>(slot)] = packet;
  }
  ++packets_sent_;
  interfaces_[static_cast<size_t>(packet.src)].enqueue(slot, packet);
  activity_.interfaces.add(packet.src);
  return slot;
}

int64_t Mesh::send(int src, int dst, int flits, int64_t tag) {
  Packet packet;
  packet.src = src;
  packet.dst = dst;
  packet.flits = flits;
  packet.tag = tag;
  return add_packet(packet);
}

int Mesh::add_tree(int src, const std::vector<int>& dsts) {
  tree_sources_.push_back(src);
  tree_destinations_.push_back(static_cast<int>(std::set<int>(dsts.begin(), dsts.end()).size()));
  return trees_.add(src, dsts);
}

int64_t Mesh::multicast(int src, int tree, int64_t tag) {
  if (tree_sources_.at(static_cast<size_t>(tree)) != src)
    throw std::logic_error("noc: a multicast packet sent down another node's tree");
  Packet packet;
  packet.src = src;
  packet.dst = -1;
  packet.tree = tree;
  packet.flits = 1;
  packet.copies_left = tree_destinations_.at(static_cast<size_t>(tree));
  packet.tag = tag;
  return add_packet(packet);
}

void Mesh::step() {
  for (const CreditDue& due : activity_.credits_due) {
    const int vc = due.port->absorb_credit();
    if (due.router != nullptr) due.router->credit_arrived(due.out, vc);
  }
  activity_.credits_due.clear();
  activity_.interfaces.for_each([&](int node) {
    NetworkInterface& ni = interfaces_[static_cast<size_t>(node)];
    ni.inject(cycle_);
    if (ni.idle()) activity_.interfaces.remove(node);
  });
  // A router that takes its first flit over a link from a router stepped before it in this cycle may be
  // skipped until next cycle (for_each reads each word once), as that flit cannot leave before then.
  activity_.routers.for_each([&](int node) {
    Router& router = routers_[static_cast<size_t>(node)];
    router.step(cycle_);
    if (router.empty()) activity_.routers.remove(node);
  });
  ++cycle_;
}

void Mesh::record_deliveries() {
  for (NetworkInterface& ni : interfaces_) ni.record_deliveries(&delivered_);
}

void Mesh::take_delivered(std::vector<Arrival>& into) {
  into.clear();
  into.swap(delivered_);  // each keeps the other's capacity: no allocation in a long run
}

std::vector<Arrival> Mesh::take_delivered() {
  std::vector<Arrival> out;
  take_delivered(out);
  return out;
}

int64_t Mesh::flit_hops() const {
  int64_t hops = 0;
  for (const Router& router : routers_) hops += router.link_flits();
  return hops;
}

std::string Mesh::check_flow_control() const {
  for (size_t node = 0; node < routers_.size(); ++node) {
    const Router& r = routers_[node];
    for (int port = 0; port < kPorts; ++port) {
      for (int vc = 0; vc < params_.vcs; ++vc) {
        if (r.peak(port, vc) > params_.buffer_flits)
          return fmt::format("router ({},{}) port {} VC {} held {} flits, deeper than {}", r.x(), r.y(), port,
                             vc, r.peak(port, vc), params_.buffer_flits);
      }
    }
    // Each input port's upstream: a neighbour's output port, or the interface's injection channel.
    for (int port = 0; port < kPorts; ++port) {
      const OutputPort* upstream = nullptr;
      if (port == kLocal) {
        upstream = &interfaces_[node].injection();
      } else {
        const int dx = port == kEast ? 1 : port == kWest ? -1 : 0;
        const int dy = port == kNorth ? 1 : port == kSouth ? -1 : 0;
        const int x = r.x() + dx, y = r.y() + dy;
        if (x < 0 || y < 0 || x >= params_.cols || y >= params_.rows) continue;
        upstream = &routers_[static_cast<size_t>(y * params_.cols + x)].output(opposite(port));
      }
      for (int vc = 0; vc < params_.vcs; ++vc) {
        const int total =
            upstream->credits(vc) + (upstream->credit_in_flight(vc) ? 1 : 0) + r.buffered(port, vc);
        if (total != params_.buffer_flits)
          return fmt::format("router ({},{}) port {} VC {}: credits + flits = {}, expected the depth {}",
                             r.x(), r.y(), port, vc, total, params_.buffer_flits);
      }
    }
  }
  return "";
}

}  // namespace neurokv::noc
