#include "simulator/prefill_queue.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "compiler/ir/mesh.hpp"

namespace neurokv {
namespace {

int nps_total(const ir::Program& program) {
  return program.chip.mesh_cols * program.chip.mesh_rows * program.chip.nps_per_node;
}

// One consuming tile's queue: its events and the waves they arrive from (first producer) and leave in.
struct Queue {
  double events = 0;
  int first_arrival = std::numeric_limits<int>::max();
  int consumed = 0;
};

}  // namespace

std::vector<int64_t> event_buffer_bytes(const ir::Program& program, const HwConfig& hw) {
  std::vector<int64_t> free(static_cast<size_t>(nps_total(program)), hw.np.input_sram_bytes);
  for (const ir::Buffer& buffer : program.buffers) {
    if (buffer.location != ir::Storage::Sram || buffer.nps.empty()) continue;
    const auto n = static_cast<int64_t>(buffer.nps.size());
    const int64_t share = (buffer.bytes_per_token * buffer.capacity_tokens + n - 1) / n;
    for (const ir::NpCoord& np : buffer.nps) free.at(static_cast<size_t>(ir::np_index(program, np))) -= share;
  }
  return free;
}

namespace {

// Every activation counted as an event (route_activations): the realised events of any draw are at most
// these.
std::vector<int64_t> dense_queue_bound(const ir::Program& program, const HwConfig& hw, const Phase& phase) {
  const std::vector<ir::Step>& steps = phase.kind == Phase::Kind::Decode ? program.decode : program.prefill;
  std::vector<int> wave_of(program.ops.size(), 0);
  std::vector<int64_t> tokens_of(program.ops.size(), 0);
  int waves = 0;
  for (const ir::Step& step : steps) {
    wave_of.at(step.op) = step.wave;
    tokens_of.at(step.op) = step_tokens(step, phase);
    waves = std::max(waves, step.wave + 1);
  }
  // By consuming op and tile, in that order: queue_start[op] + tile. Flat, as a prefill's chunk size is
  // bisected with one bound per step.
  std::vector<size_t> queue_start(program.ops.size() + 1, 0);
  for (size_t op = 0; op < program.ops.size(); ++op)
    queue_start[op + 1] = queue_start[op] + program.ops[op].tiles.size();
  std::vector<Queue> queues(queue_start.back());
  std::vector<char> fed(queues.size(), 0);
  for (const ir::Route& route : program.routes) {
    const int64_t tokens = std::min(tokens_of.at(route.src_op), tokens_of.at(route.dst_op));
    if (tokens == 0) continue;
    const double events = route_activations(program, route, phase, tokens);
    if (events <= 0) continue;
    for (int tile : route.dst_tiles) {
      const size_t at = queue_start.at(static_cast<size_t>(route.dst_op)) + static_cast<size_t>(tile);
      Queue& q = queues.at(at);
      fed[at] = 1;
      q.events += events;
      q.first_arrival = std::min(q.first_arrival, wave_of.at(route.src_op));
      q.consumed = wave_of.at(route.dst_op);
    }
  }
  // Each NP's queues, in op then tile order (a counting sort by NP): the NPs are bounded one by one.
  const size_t nps = static_cast<size_t>(nps_total(program));
  std::vector<size_t> np_start(nps + 1, 0);
  std::vector<size_t> np_of(queues.size(), 0);
  for (size_t op = 0; op < program.ops.size(); ++op) {
    for (size_t tile = 0; tile < program.ops[op].tiles.size(); ++tile) {
      const size_t at = queue_start[op] + tile;
      if (!fed[at]) continue;
      np_of[at] = static_cast<size_t>(ir::np_index(program, program.ops[op].tiles[tile].np));
      ++np_start.at(np_of[at] + 1);
    }
  }
  std::partial_sum(np_start.begin(), np_start.end(), np_start.begin());
  std::vector<size_t> by_np(np_start.back());
  std::vector<size_t> next(np_start.begin(), np_start.end() - 1);
  for (size_t at = 0; at < queues.size(); ++at) {
    if (fed[at]) by_np[next[np_of[at]]++] = at;
  }
  // Per wave: the NP's events held after the wave (arrived, not yet consumed) and events arriving in it.
  std::vector<double> held(static_cast<size_t>(waves) + 1), arriving(held.size());
  std::vector<int64_t> bound(nps, 0);
  for (size_t np = 0; np < nps; ++np) {
    if (np_start[np] == np_start[np + 1]) continue;
    std::fill(held.begin(), held.end(), 0.0);
    std::fill(arriving.begin(), arriving.end(), 0.0);
    for (size_t k = np_start[np]; k < np_start[np + 1]; ++k) {
      const Queue& q = queues[by_np[k]];
      for (int w = q.first_arrival; w < q.consumed; ++w) held[static_cast<size_t>(w)] += q.events;
      arriving[static_cast<size_t>(q.first_arrival)] += q.events;
    }
    double peak = arriving[0];
    for (int w = 0; w < waves; ++w)
      peak = std::max(peak, held[static_cast<size_t>(w)] + arriving[static_cast<size_t>(w) + 1]);
    bound[np] = static_cast<int64_t>(std::ceil(peak * hw.noc.event_bytes));
  }
  return bound;
}

}  // namespace

std::vector<int64_t> event_queue_bound(const ir::Program& program, const HwConfig& hw, const Phase& phase) {
  return dense_queue_bound(program, hw, phase);
}

PrefillChunking plan_prefill_chunks(const ir::Program& program, const HwConfig& hw, int64_t prompt) {
  const std::vector<int64_t> free = event_buffer_bytes(program, hw);
  // The worst NP's overflow at chunk size c (<= 0: every NP fits). The bound grows with c, so the largest
  // fitting c is found by bisection.
  const auto overflow = [&](int64_t c, PrefillChunking* worst) {
    const std::vector<int64_t> bound = dense_queue_bound(program, hw, Phase::last_chunk(prompt, c));
    int64_t most = std::numeric_limits<int64_t>::min();
    for (size_t np = 0; np < bound.size(); ++np) {
      if (bound[np] - free[np] <= most) continue;
      most = bound[np] - free[np];
      if (worst) *worst = {c, most <= 0, static_cast<int>(np), bound[np], free[np]};
    }
    return most;
  };
  PrefillChunking plan{std::max<int64_t>(prompt, 1), true, 0, 0, 0};
  if (prompt <= 0 || overflow(prompt, nullptr) <= 0) return plan;
  if (overflow(1, &plan) > 0) return plan;
  int64_t lo = 1, hi = prompt;  // lo fits, hi does not
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    (overflow(mid, nullptr) <= 0 ? lo : hi) = mid;
  }
  return {lo, true, 0, 0, 0};
}

Phase prefill_phase(const ir::Program& program, const HwConfig& hw, int64_t prompt) {
  return Phase::prefill(prompt, plan_prefill_chunks(program, hw, prompt).chunk);
}

}  // namespace neurokv
