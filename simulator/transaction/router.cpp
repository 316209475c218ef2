#include "simulator/transaction/router.hpp"

#include <algorithm>

#include "compiler/ir/mesh.hpp"
#include "simulator/transaction/chrome_trace.hpp"
#include "simulator/transaction/np.hpp"

namespace neurokv::transaction {
namespace {

int direction(const ir::MeshLink& link) {
  if (link.x1 != link.x0) return link.x1 > link.x0 ? 0 : 1;
  return link.y1 > link.y0 ? 2 : 3;
}

}  // namespace

RoutePlan plan_route(const ir::Program& program, const ir::Route& route) {
  const int cols = program.chip.mesh_cols;
  const ir::Op& src_op = program.ops.at(static_cast<size_t>(route.src_op));
  const ir::NpCoord& src = src_op.tiles.at(static_cast<size_t>(route.src_tile)).np;
  const ir::Op& dst_op = program.ops.at(static_cast<size_t>(route.dst_op));
  RoutePlan plan;
  plan.route = &route;
  plan.src_node = src.y * cols + src.x;
  plan.layer = src_op.layer;
  plan.name = &src_op.name;
  plan.drops.reserve(route.dst_tiles.size());
  // The hop laid on each link (node * 4 + dir) and the hop arriving at each node, -1 while none: a route
  // fans out to hundreds of tiles, four NPs a node, and searching the hops laid so far for each link of each
  // tile's path was most of building a chip's plans.
  constexpr int kNone = -1;
  const std::size_t nodes = static_cast<std::size_t>(cols) * static_cast<std::size_t>(program.chip.mesh_rows);
  std::vector<int> hop_on_link(nodes * 4, kNone), hop_into(nodes, kNone);
  for (int tile : route.dst_tiles) {
    const ir::NpCoord& dst = dst_op.tiles.at(static_cast<size_t>(tile)).np;
    const int dst_node = dst.y * cols + dst.x;
    // XY routing from one source reaches a node by one path only, so a node reached before is reached by
    // the same hop again, and its path adds no link.
    int parent = hop_into[static_cast<size_t>(dst_node)];
    if (parent == kNone && dst_node != plan.src_node) {
      // The multicast tree is the union of the XY paths: walking each path from the source finds shared
      // links already laid, so every link appears once and parents precede children.
      for (const ir::MeshLink& link : ir::xy_path(src.x, src.y, dst.x, dst.y)) {
        int& hop = hop_on_link[static_cast<size_t>((link.y0 * cols + link.x0) * 4 + direction(link))];
        if (hop == kNone) {
          hop = static_cast<int>(plan.hops.size());
          plan.hops.push_back({link.y0 * cols + link.x0, direction(link), parent});
          hop_into[static_cast<size_t>(link.y1 * cols + link.x1)] = hop;
        }
        parent = hop;
      }
    }
    plan.drops.push_back({dst_node, parent, dst.np, tile});
  }
  std::stable_sort(plan.drops.begin(), plan.drops.end(),
                   [](const RoutePlan::Drop& a, const RoutePlan::Drop& b) { return a.node < b.node; });
  return plan;
}

Router::Router(sc_core::sc_module_name name, SimContext& ctx) : sc_module(name), ctx_(ctx) {
  // A method, as every block of the transaction fabric but the Sequencer (np.hpp): it never waits mid-body.
  SC_METHOD(eject);
  sensitive << wake_;
  dont_initialize();
}

void Router::connect(std::vector<Router*>* mesh, std::vector<Np*> nps) {
  mesh_ = mesh;
  nps_ = std::move(nps);
}

void Router::send(const RoutePlan& plan, double bytes, double events, double held) {
  if (bytes <= 0) return;  // nothing crosses the mesh: every input was zero
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time serialise = ctx_.cycles(route_cycles(bytes, 0, ctx_.hw));
  const sc_core::sc_time hop = ctx_.cycles(ctx_.hw.noc.hop_latency_cycles);
  std::vector<sc_core::sc_time> head_out(plan.hops.size());
  for (size_t h = 0; h < plan.hops.size(); ++h) {
    const RoutePlan::Hop& hop_plan = plan.hops[h];
    Router& owner = *(*mesh_)[static_cast<size_t>(hop_plan.node)];
    const sc_core::sc_time head_in =
        hop_plan.parent < 0 ? now : head_out[static_cast<size_t>(hop_plan.parent)];
    sc_core::sc_time& link_free = owner.link_free_[static_cast<size_t>(hop_plan.dir)];
    const sc_core::sc_time start = std::max(head_in, link_free);
    link_free = start + serialise;
    owner.bytes_sent_ += bytes;
    head_out[h] = start + hop;
    if (ctx_.trace) {
      ctx_.trace->span(kFirstRouterTrack + hop_plan.node, plan.name, ctx_.to_cycles(start),
                       ctx_.to_cycles(serialise));
    }
  }
  ActionCounts& counts = ctx_.ledger.layer(plan.layer);
  counts.noc_hop_bytes += bytes * static_cast<double>(plan.hops.size());
  ctx_.ledger.events_sent += events * static_cast<double>(plan.drops.size());
  sc_core::sc_time last = now;
  for (size_t begin = 0; begin < plan.drops.size();) {
    size_t end = begin;
    while (end < plan.drops.size() && plan.drops[end].node == plan.drops[begin].node) ++end;
    const int last_hop = plan.drops[begin].last_hop;
    const sc_core::sc_time at = (last_hop < 0 ? now : head_out[static_cast<size_t>(last_hop)]) + serialise;
    last = std::max(last, at);
    ctx_.barrier.add();
    (*mesh_)[static_cast<size_t>(plan.drops[begin].node)]->eject_at({at, 0, &plan, begin, end, events, held});
    begin = end;
  }
  ctx_.ledger.longest_route = std::max(ctx_.ledger.longest_route, ctx_.to_cycles(last - now));
}

void Router::eject_at(const Delivery& delivery) {
  Delivery d = delivery;
  d.seq = next_seq_++;
  pending_.push(d);
  wake_.notify(pending_.top().at - sc_core::sc_time_stamp());
}

void Router::eject() {
  while (!pending_.empty() && pending_.top().at <= sc_core::sc_time_stamp()) {
    const Delivery d = pending_.top();
    pending_.pop();
    const ir::Route& route = *d.plan->route;
    for (size_t i = d.begin; i < d.end; ++i) {
      const RoutePlan::Drop& drop = d.plan->drops[i];
      nps_.at(static_cast<size_t>(drop.np))->receive(route.dst_op, drop.tile, d.events, d.held);
    }
    ctx_.barrier.finish();
  }
  if (!pending_.empty()) wake_.notify(pending_.top().at - sc_core::sc_time_stamp());
}

}  // namespace neurokv::transaction
