#include "simulator/transaction/np.hpp"

#include <algorithm>
#include <cmath>

#include "simulator/transaction/chrome_trace.hpp"

namespace neurokv::transaction {

Np::Np(sc_core::sc_module_name name, SimContext& ctx, MemoryPort& dma, Network& network,
       const RoutesFrom& routes_from, const ir::NpCoord& coord, int index)
    : sc_module(name),
      ctx_(ctx),
      dma_(dma),
      network_(network),
      routes_from_(routes_from),
      coord_(coord),
      index_(index) {
  SC_THREAD(run);
}

void Np::run_wave(std::vector<TileJob> jobs) {
  jobs_ = std::move(jobs);
  wave_compute_ = 0;
  ctx_.barrier.add();
  start_.notify(sc_core::SC_ZERO_TIME);
}

void Np::receive(int op, int tile, double events, double held) {
  Queued& queued = queued_[{op, tile}];
  queued.events += events;
  queued.held += held;
  queue_events_ += held;
  const auto queue_bytes = static_cast<int64_t>(std::ceil(queue_events_ * ctx_.hw.noc.event_bytes));
  int64_t& peak = ctx_.phase.kind == Phase::Kind::Decode ? peak_queue_bytes_ : peak_prefill_queue_bytes_;
  peak = std::max(peak, queue_bytes);
}

void Np::run() {
  for (;;) {
    sc_core::wait(start_);
    works_.clear();
    for (const TileJob& job : jobs_) {
      works_.push_back(tile_work(ctx_.program, *job.op, *job.tile, ctx_.hw, ctx_.phase,
                                 ctx_.op_tokens[static_cast<size_t>(job.op->id)]));
      add_spill(works_.back(), ctx_.spill, *job.op, *job.tile);
    }
    requests_.clear();
    reads_.assign(jobs_.size(), nullptr);
    writes_.clear();
    issue_read_from(0);
    for (size_t i = 0; i < jobs_.size(); ++i) run_tile(i);
    for (DmaRequest* write : writes_) MemoryPort::wait_done(*write);
    ctx_.barrier.finish();
  }
}

// Issues the DRAM read of the first job from `first` on that needs one, unless it is already out.
void Np::issue_read_from(size_t first) {
  for (size_t j = first; j < jobs_.size(); ++j) {
    if (works_[j].dram_read_bytes <= 0) continue;
    if (!reads_[j]) {
      DmaRequest& read = requests_.emplace_back();
      read.bytes = works_[j].dram_read_bytes;
      read.layer = jobs_[j].op->layer;
      read.name = &jobs_[j].op->name;
      read.op = jobs_[j].op->id;
      read.tile = jobs_[j].tile->index;
      read.node = node();
      reads_[j] = &read;
      dma_.issue(read);
    }
    return;
  }
}

// A chunked prefill streams a route's events through DRAM a chunk at a time (work.hpp, spill_bytes): its
// destination holds one chunk's events at once, at most the prompt's last full chunk's.
double Np::held_events(const ir::Route& route, int64_t tokens, double events) const {
  if (!ctx_.phase.spills() || tokens <= ctx_.phase.chunk) return events;
  return route_events(ctx_.program, route, Phase::last_chunk(ctx_.phase.tokens, ctx_.phase.chunk),
                      ctx_.phase.chunk);
}

void Np::run_tile(size_t i) {
  const ir::Op& op = *jobs_[i].op;
  const ir::Tile& tile = *jobs_[i].tile;
  TileWork& work = works_[i];
  const int64_t src_tokens = ctx_.op_tokens[static_cast<size_t>(op.id)];
  const double start = ctx_.now();

  // The tile consumes the events queued for it.
  const auto queued = queued_.find({op.id, tile.index});
  if (queued != queued_.end()) {
    queue_events_ -= queued->second.held;
    ctx_.ledger.events_received +=
        queued->second.events;  // counted where consumed, apart from the router's books
    queued_.erase(queued);
  }
  if (reads_[i]) MemoryPort::wait_done(*reads_[i]);
  issue_read_from(i + 1);  // double buffering: the next input streams in while this tile computes
  if (work.compute_cycles > 0) {
    busy_ = true;
    sc_core::wait(ctx_.cycles(work.compute_cycles));
    busy_ = false;
    wave_compute_ += work.compute_cycles;
  }
  if (work.dram_write_bytes > 0) {
    DmaRequest& write = requests_.emplace_back();
    write.bytes = work.dram_write_bytes;
    write.layer = op.layer;
    write.name = &op.name;
    write.op = op.id;
    write.tile = tile.index;
    write.node = node();
    write.write = true;
    writes_.push_back(&write);
    dma_.issue(write);
  }
  work.counts.dram_bytes = 0;  // the Dram counts what it moves, in whole bursts
  ctx_.ledger.layer(op.layer) += work.counts;
  for (const RoutePlan* plan :
       routes_from_.at(static_cast<size_t>(op.id)).at(static_cast<size_t>(tile.index))) {
    const ir::Route& route = *plan->route;
    const int64_t tokens = std::min(src_tokens, ctx_.op_tokens[static_cast<size_t>(route.dst_op)]);
    const double bytes =
        route_bytes(ctx_.program, route, ctx_.hw, ctx_.phase, tokens, plan->repeated_delivery);
    ctx_.ledger.layer(op.layer).sram_write_bytes += route_sram_write_bytes(ctx_.program, route, bytes);
    const double events = route_events(ctx_.program, route, ctx_.phase, tokens);
    network_.send(*plan, bytes, events, held_events(route, tokens, events));
  }
  if (ctx_.trace) ctx_.trace->span(index_, &op.name, start, ctx_.now() - start);
}

}  // namespace neurokv::transaction
