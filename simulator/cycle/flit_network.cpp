#include "simulator/cycle/flit_network.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <utility>

#include "compiler/support/error.hpp"
#include "simulator/noc/noc_params.hpp"
#include "simulator/transaction/np.hpp"
#include "simulator/work.hpp"

namespace neurokv::cycle {
namespace {

// No packet delivered for this long with flits in the mesh: a deadlock, a bug (XY routing cannot deadlock).
constexpr int64_t kStallCycles = 1000000;

int flits_for(double packet_bytes, int flit_bytes) {
  return std::max(1, static_cast<int>(std::ceil(packet_bytes / flit_bytes)));
}

// A mesh packet's tag (noc::Packet::tag): the deliveries it may arrive for, `count` from `first`, or, with
// count 0, the DMA transfer `first`.
int64_t tag_of(int32_t first, int32_t count) {
  return static_cast<int64_t>((uint64_t{static_cast<uint32_t>(first)} << 32) | static_cast<uint32_t>(count));
}
int32_t tag_first(int64_t tag) { return static_cast<int32_t>(static_cast<uint64_t>(tag) >> 32); }
int32_t tag_count(int64_t tag) { return static_cast<int32_t>(static_cast<uint64_t>(tag) & 0xffffffffu); }

// Links an XY route crosses between two nodes (row-major).
int xy_hops(int from, int to, int cols) {
  return std::abs(to % cols - from % cols) + std::abs(to / cols - from / cols);
}

}  // namespace

FlitNetwork::FlitNetwork(sc_core::sc_module_name name, transaction::SimContext& ctx)
    : sc_module(name), ctx_(ctx), mesh_(noc::noc_params(ctx.hw)) {
  mesh_.record_deliveries();
  SC_THREAD(clock);
  SC_THREAD(local);
}

void FlitNetwork::send(const transaction::RoutePlan& plan, double bytes, double events, double held) {
  if (bytes <= 0) return;  // nothing crosses the mesh: every input was zero
  const int flit_bytes = mesh_.params().flit_bytes;
  // Whole packets: an event route's events rounded to the nearest (at least one), a data route's bytes cut
  // into kDataPacketBytes with a shorter last packet.
  int64_t packets = 0;
  int full_flits = 0, last_flits = 0;
  if (events > 0) {
    packets = std::max<int64_t>(1, std::llround(bytes / ctx_.hw.noc.event_bytes));
    full_flits = last_flits = flits_for(ctx_.hw.noc.event_bytes, flit_bytes);
  } else {
    packets = static_cast<int64_t>(std::ceil(bytes / kDataPacketBytes));
    full_flits = flits_for(kDataPacketBytes, flit_bytes);
    last_flits = flits_for(bytes - static_cast<double>(packets - 1) * kDataPacketBytes, flit_bytes);
  }

  // One delivery per destination node: those through the mesh first, then the source node's own.
  const int cols = ctx_.hw.mesh_cols;
  const auto first = static_cast<int32_t>(deliveries_.size());
  double copy_hops = 0;  // links crossed by unicast copies, one per node
  std::optional<std::pair<size_t, size_t>> own;
  for (size_t begin = 0; begin < plan.drops.size();) {
    size_t end = begin;
    const int node = plan.drops[begin].node;
    while (end < plan.drops.size() && plan.drops[end].node == node) ++end;
    if (node == plan.src_node) {
      own.emplace(begin, end);
    } else {
      deliveries_.push_back({&plan, node, begin, end, events, held, packets, ctx_.now()});
      copy_hops += xy_hops(plan.src_node, node, cols);
    }
    begin = end;
  }
  const auto count = static_cast<int32_t>(deliveries_.size()) - first;
  if (own) {
    deliveries_.push_back({&plan, plan.src_node, own->first, own->second, events, held, 0, ctx_.now()});
    locals_.push({sc_core::sc_time_stamp() + ctx_.cycles(route_cycles(bytes, 0, ctx_.hw)), local_seq_++,
                  deliveries_.size() - 1});
    local_due_.notify(locals_.top().at - sc_core::sc_time_stamp());
  }
  const int64_t opened = count + (own ? 1 : 0);
  ctx_.barrier.add(static_cast<int>(opened));
  open_ += opened;
  ctx_.ledger.events_sent += events * static_cast<double>(plan.drops.size());
  if (count == 0) return;  // every destination is on the source's node
  const bool tree = count > 1 && full_flits == 1;
  // Each link carries the route's bytes once per packet crossing it: once per tree link, or once per copy.
  ctx_.ledger.layer(plan.layer).noc_hop_bytes +=
      bytes * (tree ? static_cast<double>(plan.hops.size()) : copy_hops);

  if (tree) {
    const int id = this->tree(plan);
    for (int64_t p = 0; p < packets; ++p) mesh_.multicast(plan.src_node, id, tag_of(first, count));
    packets_ += packets;
    flits_addressed_ += packets * count;
  } else {
    for (int64_t p = 0; p < packets; ++p) {
      const int flits = p + 1 == packets ? last_flits : full_flits;
      for (int32_t d = first; d < first + count; ++d)
        mesh_.send(plan.src_node, deliveries_[static_cast<size_t>(d)].node, flits, tag_of(d, 1));
      flits_addressed_ += int64_t{flits} * count;
    }
    packets_ += packets * count;
  }
  work_.notify(sc_core::SC_ZERO_TIME);
}

int32_t FlitNetwork::open_transfer(int64_t packets, std::function<void()> done) {
  transfers_.push_back({packets, std::move(done)});
  ++open_;
  return static_cast<int32_t>(transfers_.size() - 1);
}

void FlitNetwork::carry(int32_t transfer, int from, int to, double bytes, int layer, sc_core::sc_time ready) {
  ctx_.ledger.layer(layer).noc_hop_bytes += bytes * xy_hops(from, to, ctx_.hw.mesh_cols);
  due_.push({ready, carry_seq_++, transfer, from, to, flits_for(bytes, mesh_.params().flit_bytes)});
  work_.notify(sc_core::SC_ZERO_TIME);
}

void FlitNetwork::inject_due() {
  while (!due_.empty() && due_.top().at <= sc_core::sc_time_stamp()) {
    const Carried c = due_.top();
    due_.pop();
    if (c.from == c.to) {  // the NP sits on its channel's attach node
      transfer_arrived(c.transfer);
      continue;
    }
    mesh_.send(c.from, c.to, c.flits, tag_of(c.transfer, 0));
    ++packets_;
    flits_addressed_ += c.flits;
  }
}

void FlitNetwork::transfer_arrived(int32_t transfer) {
  Transfer& t = transfers_[static_cast<size_t>(transfer)];
  if (--t.packets_left > 0) return;
  --open_;
  t.done();
}

int FlitNetwork::tree(const transaction::RoutePlan& plan) {
  const auto found = trees_.find(&plan);
  if (found != trees_.end()) return found->second;
  std::vector<int> nodes;
  for (const transaction::RoutePlan::Drop& drop : plan.drops)
    if (drop.node != plan.src_node) nodes.push_back(drop.node);
  const int id = mesh_.add_tree(plan.src_node, nodes);
  trees_.emplace(&plan, id);
  return id;
}

void FlitNetwork::clock() {
  const sc_core::sc_time period = ctx_.cycles(1);
  int64_t quiet = 0;  // cycles since a packet last arrived
  std::vector<noc::Arrival> delivered;
  for (;;) {
    inject_due();
    if (mesh_.idle()) {
      if (open_ == 0) {  // no packet names a delivery or a transfer
        deliveries_.clear();
        transfers_.clear();
      }
      quiet = 0;
      if (due_.empty())
        sc_core::wait(work_);
      else
        sc_core::wait(due_.top().at - sc_core::sc_time_stamp(), work_);
      continue;
    }
    mesh_.step();
    sc_core::wait(period);  // a tail that reached its sink in this step has arrived by now
    mesh_.take_delivered(delivered);
    for (const noc::Arrival& arrival : delivered) arrived(arrival);
    quiet = delivered.empty() ? quiet + 1 : 0;
    if (quiet > kStallCycles)
      throw RunError(fmt::format("flit network: no packet delivered for {} cycles with flits in the mesh",
                                 kStallCycles));
  }
}

void FlitNetwork::arrived(const noc::Arrival& arrival) {
  const int32_t first = tag_first(arrival.packet.tag), count = tag_count(arrival.packet.tag);
  if (count == 0) {
    transfer_arrived(first);
    return;
  }
  int32_t i = first;
  while (i < first + count && deliveries_[static_cast<size_t>(i)].node != arrival.node) ++i;
  if (i == first + count) throw std::logic_error("flit network: a packet reached a node it was not sent to");
  if (--deliveries_[static_cast<size_t>(i)].packets_left == 0) deliver(static_cast<size_t>(i));
}

void FlitNetwork::local() {
  for (;;) {
    sc_core::wait(local_due_);
    while (!locals_.empty() && locals_.top().at <= sc_core::sc_time_stamp()) {
      const size_t delivery = locals_.top().delivery;
      locals_.pop();
      deliver(delivery);
    }
    if (!locals_.empty()) local_due_.notify(locals_.top().at - sc_core::sc_time_stamp());
  }
}

void FlitNetwork::deliver(size_t delivery) {
  const Delivery& d = deliveries_[delivery];
  const ir::Route& route = *d.plan->route;
  const int per_node = ctx_.hw.nps_per_node;
  for (size_t i = d.begin; i < d.end; ++i) {
    const transaction::RoutePlan::Drop& drop = d.plan->drops[i];
    nps_.at(static_cast<size_t>(drop.node * per_node + drop.np))
        ->receive(route.dst_op, drop.tile, d.events, d.held);
  }
  ctx_.ledger.longest_route = std::max(ctx_.ledger.longest_route, ctx_.now() - d.sent);
  --open_;
  ctx_.barrier.finish();
}

}  // namespace neurokv::cycle
