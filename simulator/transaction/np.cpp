#include "simulator/transaction/np.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "simulator/transaction/chrome_trace.hpp"

namespace neurokv::transaction {

Np::Np(sc_core::sc_module_name name, SimContext& ctx, MemoryPort& dma, Network& network,
       const RoutesFrom& routes_from, const ir::NpCoord& coord, int index, Process process)
    : sc_module(name),
      ctx_(ctx),
      dma_(dma),
      network_(network),
      routes_from_(routes_from),
      coord_(coord),
      index_(index) {
  if (process == Process::Method) {
    SC_METHOD(run_method);
    sensitive << start_;  // between waves; advance() names every other wait
    dont_initialize();
  } else {
    SC_THREAD(run_thread);
  }
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

void Np::run_method() {
  const Resume resume = advance();
  if (resume.on == Resume::On::Event) next_trigger(*resume.event);
  if (resume.on == Resume::On::Delay) next_trigger(resume.delay);
}

void Np::run_thread() {
  for (;;) {
    sc_core::wait(start_);
    for (Resume resume = advance(); resume.on != Resume::On::NextWave; resume = advance()) {
      if (resume.on == Resume::On::Event)
        sc_core::wait(*resume.event);
      else
        sc_core::wait(resume.delay);
    }
  }
}

// What is still to wait for before `request`'s last byte has landed: the event that tells when, then that
// time; nothing once it has (MemoryPort).
std::optional<Np::Resume> Np::until_done(const DmaRequest& request) {
  if (!request.issued) return Resume{Resume::On::Event, &request.issued_event, {}};
  if (request.done_at > sc_core::sc_time_stamp())
    return Resume{Resume::On::Delay, nullptr, request.done_at - sc_core::sc_time_stamp()};
  return std::nullopt;
}

// Runs the wave from where it stopped (at its start when Idle: the Sequencer has handed it over) up to the
// next wait, which it returns.
Np::Resume Np::advance() {
  if (stage_ == Stage::Idle) {
    plan_wave();
    begin_tile();
  }
  for (;;) {
    switch (stage_) {
      case Stage::Input: {
        if (reads_[tile_]) {
          if (const auto wait = until_done(*reads_[tile_])) return *wait;
        }
        issue_read_from(tile_ + 1);  // double buffering: the next input streams in while this tile computes
        const double cycles = works_[tile_].compute_cycles;
        if (cycles > 0) {
          busy_ = true;
          stage_ = Stage::Compute;
          return {Resume::On::Delay, nullptr, ctx_.cycles(cycles)};
        }
        finish_tile();
        break;
      }
      case Stage::Compute:
        busy_ = false;
        wave_compute_ += works_[tile_].compute_cycles;
        finish_tile();
        break;
      case Stage::Writes:
        for (; write_ < writes_.size(); ++write_) {
          if (const auto wait = until_done(*writes_[write_])) return *wait;
        }
        ctx_.barrier.finish();
        stage_ = Stage::Idle;
        return {Resume::On::NextWave, nullptr, {}};
      case Stage::Idle:
        throw std::logic_error("an NP between waves was asked to go on");
    }
  }
}

// The wave's tiles' work, known when it starts, and the first DRAM read out.
void Np::plan_wave() {
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
  tile_ = 0;
  write_ = 0;
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

// Tile tile_ starts: it consumes the events queued for it. After the last tile, the wave's writes land.
void Np::begin_tile() {
  if (tile_ == jobs_.size()) {
    stage_ = Stage::Writes;
    return;
  }
  const ir::Op& op = *jobs_[tile_].op;
  tile_start_ = ctx_.now();
  const auto queued = queued_.find({op.id, jobs_[tile_].tile->index});
  if (queued != queued_.end()) {
    queue_events_ -= queued->second.held;
    ctx_.ledger.events_received +=
        queued->second.events;  // counted where consumed, apart from the router's books
    queued_.erase(queued);
  }
  stage_ = Stage::Input;
}

// Tile tile_ has computed: it posts its DRAM write, counts its work and sends its routes; the next tile
// starts.
void Np::finish_tile() {
  const ir::Op& op = *jobs_[tile_].op;
  const ir::Tile& tile = *jobs_[tile_].tile;
  TileWork& work = works_[tile_];
  const int64_t src_tokens = ctx_.op_tokens[static_cast<size_t>(op.id)];
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
  if (ctx_.trace) ctx_.trace->span(index_, &op.name, tile_start_, ctx_.now() - tile_start_);
  ++tile_;
  begin_tile();
}

}  // namespace neurokv::transaction
