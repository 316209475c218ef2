#include "simulator/transaction/sequencer.hpp"

#include <algorithm>

#include "simulator/prefill_queue.hpp"
#include "simulator/transaction/chrome_trace.hpp"
#include "simulator/transaction/event_draw.hpp"
#include "simulator/wave_bound.hpp"

namespace neurokv::transaction {
namespace {

std::map<int, std::vector<const ir::Step*>> group_waves(const std::vector<ir::Step>& steps) {
  std::map<int, std::vector<const ir::Step*>> waves;
  for (const ir::Step& step : steps) waves[step.wave].push_back(&step);
  return waves;
}

}  // namespace

Sequencer::Sequencer(sc_core::sc_module_name name, SimContext& ctx, Chip& chip, ir::Program& program,
                     const SimOptions& options)
    : sc_module(name),
      ctx_(ctx),
      chip_(chip),
      program_(program),
      options_(options),
      nps_(chip.nps()),
      prefill_waves_(group_waves(program.prefill)),
      decode_waves_(group_waves(program.decode)),
      power_(static_power(program, ctx.hw)) {
  for (const ir::Op& op : program.ops) planned_density_.push_back(op.input_density);
  if (ctx.trace) {
    ctx.trace->name_track(kPhaseTrack, "phases");
    ctx.trace->name_track(kLayerTrack, "layers");
  }
  SC_THREAD(run);
}

const std::string* Sequencer::label(std::string text) {
  labels_.push_back(std::move(text));
  return &labels_.back();
}

void Sequencer::run() {
  const int layers = program_.model.layers;
  if (options_.prompt > 0 && !options_.decode_only) {
    const Phase phase = prefill_phase(program_, ctx_.hw, options_.prompt);
    const PhaseTotals totals = run_phase(phase, prefill_waves_, 0);
    result_.prefill = totals.report(phase, ctx_.hw, power_, nullptr);
    result_.cycles += totals.cycles();
  }
  PhaseTotals decode_sum(layers);
  for (int64_t t = 1; t <= options_.tokens; ++t) {
    const Phase phase = Phase::decode(options_.prompt + t);
    const PhaseTotals totals = run_phase(phase, decode_waves_, static_cast<int>(t));
    result_.decode_tokens.push_back(totals.report(phase, ctx_.hw, power_, nullptr));
    result_.cycles += totals.cycles();
    decode_sum += totals;
  }
  decode_sum.scale(1.0 / static_cast<double>(options_.tokens));
  result_.decode = decode_sum.report(Phase::decode(options_.prompt + options_.tokens), ctx_.hw, power_,
                                     &result_.decode_layers);
  for (Np* np : nps_) {
    result_.peak_np_queue_bytes.push_back(np->peak_queue_bytes());
    result_.peak_queue_bytes = std::max(result_.peak_queue_bytes, np->peak_queue_bytes());
    result_.peak_np_prefill_queue_bytes.push_back(np->peak_prefill_queue_bytes());
    result_.peak_prefill_queue_bytes =
        std::max(result_.peak_prefill_queue_bytes, np->peak_prefill_queue_bytes());
  }
  result_.events_sent = ctx_.ledger.events_sent;
  result_.events_received = ctx_.ledger.events_received;
  sc_core::sc_stop();
}

PhaseTotals Sequencer::run_phase(const Phase& phase, const Waves& waves, int phase_index) {
  const std::vector<ir::Step>& steps =
      phase.kind == Phase::Kind::Prefill ? program_.prefill : program_.decode;
  ctx_.phase = phase;
  for (const ir::Step& step : steps)
    ctx_.op_tokens.at(static_cast<size_t>(step.op)) = step_tokens(step, phase);
  if (options_.measured.empty()) {
    draw_densities(planned_density_, program_, ctx_.hw, phase, ctx_.op_tokens, options_.seed, phase_index);
  } else {  // the events were counted by executing the program: nothing to draw
    set_densities(program_,
                  phase.kind == Phase::Kind::Prefill ? options_.measured.prefill : options_.measured.decode);
  }
  ctx_.spill = spill_bytes(program_, ctx_.hw, phase);
  for (ActionCounts& counts : ctx_.ledger.layer_counts) counts = ActionCounts{};

  const double start = ctx_.now();
  PhaseTotals totals(program_.model.layers);
  for (const auto& wave : waves) run_wave(wave.second, totals);
  totals.layer_counts = ctx_.ledger.layer_counts;
  flush_layer_span();
  if (ctx_.trace) {
    const std::string name = phase.kind == Phase::Kind::Prefill
                                 ? "prefill"
                                 : "decode (context " + std::to_string(phase.context) + ")";
    ctx_.trace->span(kPhaseTrack, label(name), start, ctx_.now() - start);
  }
  return totals;
}

void Sequencer::run_wave(const std::vector<const ir::Step*>& steps, PhaseTotals& totals) {
  // Each NP runs its tiles of the wave one after another, in program order.
  std::vector<std::vector<TileJob>> jobs(nps_.size());
  for (const ir::Step* step : steps) {
    const ir::Op& op = program_.ops.at(static_cast<size_t>(step->op));
    for (const ir::Tile& tile : op.tiles)
      jobs[static_cast<size_t>(chip_.np_index(tile.np))].push_back({&op, &tile});
  }
  const double start = ctx_.now();
  const double dram_busy = chip_.memory().dram_busy_cycles();
  ctx_.ledger.longest_route = 0;
  std::vector<Np*> active;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].empty()) continue;
    nps_[i]->run_wave(std::move(jobs[i]));
    active.push_back(nps_[i]);
  }
  if (!ctx_.barrier.idle()) sc_core::wait(ctx_.barrier.drained());

  const double cycles = ctx_.now() - start;
  double compute = 0;
  for (Np* np : active) compute = std::max(compute, np->wave_compute_cycles());
  double dram = chip_.memory().dram_busy_cycles() - dram_busy;
  if (dram > 0) dram += ctx_.hw.dram_latency_cycles();
  const double route = ctx_.ledger.longest_route;
  const char* bound = wave_bound(compute, route, dram);
  totals.cycles_by_bound[bound] += cycles;
  const int layer = program_.ops.at(static_cast<size_t>(steps.front()->op)).layer;
  totals.layer_cycles.at(static_cast<size_t>(layer + 1)) += cycles;
  if (ctx_.trace) trace_layer(layer, start, cycles);
}

void Sequencer::trace_layer(int layer, double start, double cycles) {
  // Consecutive waves of one layer make one span.
  if (layer_span_.cycles > 0 && layer_span_.layer == layer &&
      layer_span_.start + layer_span_.cycles == start) {
    layer_span_.cycles += cycles;
    return;
  }
  flush_layer_span();
  layer_span_ = {layer, start, cycles};
}

void Sequencer::flush_layer_span() {
  if (!ctx_.trace || layer_span_.cycles <= 0) return;
  const int layer = layer_span_.layer;
  ctx_.trace->span(kLayerTrack, label(layer < 0 ? "outside blocks" : "layer " + std::to_string(layer)),
                   layer_span_.start, layer_span_.cycles);
  layer_span_ = {};
}

}  // namespace neurokv::transaction
