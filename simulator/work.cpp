#include "simulator/work.hpp"

#include <algorithm>
#include <cmath>

#include "compiler/ir/cnn_layer.hpp"
#include "compiler/ir/mesh.hpp"
#include "compiler/ir/op_kind.hpp"

namespace neurokv {
namespace {

using ir::Op;
using ir::OpKind;
using ir::Tile;

// Sum over the phase's tokens of the positions each attends to: n per decode token; 1 + 2 + ... + P for a
// causal prefill (past + 1 + ... + past + P for one chunk after `past` positions; chunking the whole prompt
// changes nothing). A sliding window (`window` > 0) caps each token's positions at the window.
double attended_positions(const Phase& phase, int64_t tokens, int64_t window) {
  if (phase.kind == Phase::Kind::Decode) {
    const int64_t n = window > 0 ? std::min(phase.context, window) : phase.context;
    return static_cast<double>(n) * tokens;
  }
  const double p = static_cast<double>(tokens);
  const double past = static_cast<double>(phase.past);
  if (window <= 0) return p * past + p * (p + 1) / 2;
  // Tokens past + 1 .. past + c attend to all before them, the other p − c to the window.
  const double c = static_cast<double>(std::clamp<int64_t>(window - phase.past, 0, tokens));
  return c * past + c * (c + 1) / 2 + (p - c) * static_cast<double>(window);
}

// KV rows one streaming pass over a chunk of `tokens` queries after `past` positions reads: every row from
// the first one its first query sees (past − window + 1 under a window) to its last query's.
double chunk_rows(int64_t past, int64_t tokens, int64_t window) {
  const int64_t first = window > 0 ? std::max<int64_t>(0, past - window + 1) : 0;
  return static_cast<double>(past + tokens - first);
}

// KV rows a KvRead moves: every cached row (within the window) per decode token; in prefill one streaming
// pass over the rows each chunk attends to (the chunk's queries stay in the attention tiles' input SRAM):
// past + P for one chunk, and over a prompt of m full chunks of C (and a last partial one) C + 2C + ... + mC
// (+ P), each chunk's rows capped by the window.
double kv_rows(const Phase& phase, int64_t tokens, int64_t window) {
  if (phase.kind == Phase::Kind::Decode) {
    const int64_t n = window > 0 ? std::min(phase.context, window) : phase.context;
    return static_cast<double>(n) * tokens;
  }
  if (!phase.spills()) return chunk_rows(phase.past, tokens, window);
  if (window <= 0) {
    const double c = static_cast<double>(phase.chunk);
    const double full = static_cast<double>(tokens / phase.chunk);
    return c * full * (full + 1) / 2 + (tokens % phase.chunk > 0 ? static_cast<double>(tokens) : 0.0);
  }
  double rows = 0;
  for (int64_t past = 0; past < tokens; past += phase.chunk)
    rows += chunk_rows(past, std::min(phase.chunk, tokens - past), window);
  return rows;
}

// A rope that rotates the cached keys as they are read (K=V in Gemma 4's form): it runs over KV rows.
bool rotates_on_read(const ir::Program& program, const Op& op) {
  return op.kind == OpKind::Rope && !op.inputs.empty() &&
         program.ops.at(static_cast<std::size_t>(op.inputs.front())).kind == OpKind::KvRead;
}

// An NP handles one event at a time: the event's fan-out runs over the MAC lanes in ceil(fan-out / lanes)
// cycles.
double mac_cycles(double events, double fanout, int lanes) { return events * std::ceil(fanout / lanes); }

double width(const Tile& tile) { return static_cast<double>(tile.out_end - tile.out_begin); }

// Share of a KV buffer's row a tile moves: KvRead tiles cover KV heads, KvAppend tiles cover channels.
double kv_share(const Op& op, const ir::Buffer& buffer, const Tile& tile) {
  const double row = ir::op_kind_traits(op.kind).tile_axis == ir::TileAxis::KvHeads
                         ? buffer.kv_heads
                         : static_cast<double>(buffer.kv_heads) * buffer.head_dim;
  return width(tile) / row;
}

// Activations a tile's output carries to its consumers, per phase: what the routes from it deliver.
double output_elements(const ir::Program& program, const Op& op, const Tile& tile, const Phase& phase,
                       int64_t tokens) {
  switch (op.kind) {
    case OpKind::AttnScore:
    case OpKind::Softmax:
      return width(tile) * attended_positions(phase, tokens, op.window);
    case OpKind::Rope:
      return width(tile) *
             (rotates_on_read(program, op) ? kv_rows(phase, tokens, op.window) : static_cast<double>(tokens));
    case OpKind::AttnValue:
      return width(tile) * op.head_dim * tokens;
    case OpKind::Embed:
    case OpKind::PosEmbed:
    case OpKind::LayerNorm:
    case OpKind::Linear:
    case OpKind::KvAppend:
    case OpKind::KvRead:
    case OpKind::Gelu:
    case OpKind::Add:
    case OpKind::RmsNorm:
    case OpKind::Glu:
      return width(tile) * tokens;
    case OpKind::Conv2d:
    case OpKind::Depthwise:
    case OpKind::Pointwise:
    case OpKind::Separable:
    case OpKind::Dense:
      ir::refuse_cnn_layer(op, "the per-token cost");
  }
  return width(tile) * tokens;
}

// Events arrive in the input buffer and are read back once by the NP's event loop.
void count_events(ActionCounts& c, double offered, double events, int act_bits) {
  c.activations_offered += offered;
  c.events += events;
  c.sram_write_bytes += events * act_bits / 8.0;
  c.sram_read_bytes += events * act_bits / 8.0;
}

}  // namespace

int64_t step_tokens(const ir::Step& step, const Phase& phase) {
  if (phase.kind == Phase::Kind::Decode || step.last_token_only) return 1;
  return phase.tokens;
}

TileWork tile_work(const ir::Program& program, const Op& op, const Tile& tile, const HwConfig& hw,
                   const Phase& phase, int64_t tokens) {
  TileWork w;
  ActionCounts& c = w.counts;
  const int lanes = hw.np.mac_lanes;
  const int act_bits = program.precision.act_bits;
  const double t = static_cast<double>(tokens);
  switch (op.kind) {
    case OpKind::Linear: {
      const double offered = static_cast<double>(op.in_features) * t;
      const double events = offered * op.input_density;
      const double synops = events * width(tile);
      c.macs_by_bits[op.weight_bits] += synops;
      c.dense_macs += offered * width(tile);
      c.sram_read_bytes += synops * op.weight_bits / 8.0;  // each event reads its fan-out's weights
      count_events(c, offered, events, act_bits);
      w.input_events = events;
      w.compute_cycles = mac_cycles(events, width(tile), lanes);
      if (op.weights == ir::Storage::Dram) {  // streamed: loaded into weight SRAM once per phase
        w.dram_read_bytes = static_cast<double>(tile.weight_bytes);
        c.sram_write_bytes += static_cast<double>(tile.weight_bytes);
      }
      break;
    }
    case OpKind::Embed:
    case OpKind::PosEmbed: {
      const double bytes = width(tile) * op.weight_bits / 8.0 * t;  // one table row per token
      if (op.weights == ir::Storage::Dram) {
        w.dram_read_bytes = bytes;
      } else {
        c.sram_read_bytes += bytes;
      }
      w.compute_cycles = std::ceil(width(tile) / lanes) * t;
      break;
    }
    case OpKind::LayerNorm:
    case OpKind::RmsNorm:
    case OpKind::Gelu:
    case OpKind::Glu:
    case OpKind::Add: {
      // Element-wise work on the MAC lanes: a norm makes two passes (statistics, then scale (and shift));
      // a gated product one multiply after its gate's lookup.
      const bool norm = op.kind == OpKind::LayerNorm || op.kind == OpKind::RmsNorm;
      const double passes = norm ? 2 : 1;
      const bool two_inputs = op.kind == OpKind::Add || op.kind == OpKind::Glu;
      const double offered = width(tile) * t * (two_inputs ? 2 : 1);
      const double elements = width(tile) * t;
      count_events(c, offered, offered * op.input_density, act_bits);
      w.input_events = offered * op.input_density;
      c.macs_by_bits[program.precision.weight_bits] += passes * elements;
      if (op.kind == OpKind::Gelu || op.kind == OpKind::Glu)
        c.sram_read_bytes += elements * act_bits / 8.0;  // the activation's lookup table
      w.compute_cycles = std::ceil(passes * elements / lanes);
      break;
    }
    case OpKind::Rope: {
      // Per rotated element: x·cos and its partner·sin (two MACs) with cos and sin read from a table;
      // the other dimensions pass through. On write one row per token; on read every KV row attended.
      const double rows = rotates_on_read(program, op) ? kv_rows(phase, tokens, op.window) : t;
      const double offered = width(tile) * rows;
      const double rotated = op.head_dim > 0 ? offered * op.rotary_dims / op.head_dim : 0;
      count_events(c, offered, offered * op.input_density, act_bits);
      w.input_events = offered * op.input_density;
      c.macs_by_bits[program.precision.weight_bits] += 2 * rotated;
      c.sram_read_bytes += 2 * rotated * act_bits / 8.0;  // cos and sin
      w.compute_cycles = std::ceil(2 * rotated / lanes);
      break;
    }
    case OpKind::KvRead:
    case OpKind::KvAppend: {
      const ir::Buffer& buffer = program.buffers.at(op.buffer);
      const double rows = op.kind == OpKind::KvRead ? kv_rows(phase, tokens, op.window) : t;
      const double bytes = rows * buffer.bytes_per_token * kv_share(op, buffer, tile);
      const bool dram = buffer.location == ir::Storage::Dram;
      if (op.kind == OpKind::KvRead) {
        (dram ? w.dram_read_bytes : c.sram_read_bytes) += bytes;
      } else {
        (dram ? w.dram_write_bytes : c.sram_write_bytes) += bytes;
      }
      break;
    }
    case OpKind::AttnScore: {
      // Each non-zero query element fans out over every attended position's key element.
      const double positions = attended_positions(phase, tokens, op.window);
      const double offered = width(tile) * op.head_dim * t;
      const double events = offered * op.input_density;
      const double fanout = positions / t;
      const double synops = events * fanout;
      c.macs_by_bits[act_bits] += synops;
      c.dense_macs += offered * fanout;
      c.sram_read_bytes += synops * program.precision.kv_bits / 8.0;  // key elements from the input SRAM
      count_events(c, offered, events, act_bits);
      w.input_events = events;
      w.compute_cycles = mac_cycles(events, fanout, lanes);
      break;
    }
    case OpKind::Softmax: {
      const double elements = width(tile) * attended_positions(phase, tokens, op.window);
      c.softmax_elements += elements;
      count_events(c, elements, elements, act_bits);
      w.input_events = elements;
      w.compute_cycles = std::ceil(elements / hw.softmax_elements_per_cycle);
      break;
    }
    case OpKind::AttnValue: {
      // Each non-zero probability fans out over its head's value vector.
      const double offered = width(tile) * attended_positions(phase, tokens, op.window);
      const double events = offered * op.input_density;
      const double synops = events * op.head_dim;
      c.macs_by_bits[act_bits] += synops;
      c.dense_macs += offered * op.head_dim;
      c.sram_read_bytes += synops * program.precision.kv_bits / 8.0;  // value elements from the input SRAM
      count_events(c, offered, events, act_bits);
      w.input_events = events;
      w.compute_cycles = mac_cycles(events, op.head_dim, lanes);
      break;
    }
    case OpKind::Conv2d:
    case OpKind::Depthwise:
    case OpKind::Pointwise:
    case OpKind::Separable:
    case OpKind::Dense:
      ir::refuse_cnn_layer(op, "the per-token cost");
  }
  c.dram_bytes += w.dram_read_bytes + w.dram_write_bytes;
  return w;
}

double route_activations(const ir::Program& program, const ir::Route& route, const Phase& phase,
                         int64_t tokens) {
  const Op& src = program.ops.at(route.src_op);
  if (src.kind == OpKind::KvRead || rotates_on_read(program, src)) return 0;
  return output_elements(program, src, src.tiles.at(route.src_tile), phase, tokens);
}

double route_events(const ir::Program& program, const ir::Route& route, const Phase& phase, int64_t tokens) {
  return route_activations(program, route, phase, tokens) * program.ops.at(route.dst_op).input_density;
}

std::vector<bool> repeated_kv_deliveries(const ir::Program& program) {
  // (kv_read tile, NP) for each NP a kv_read tile's rows reach for attn_score, packed in one integer and
  // sorted: a flat set (a program has thousands of such routes).
  const ir::ChipInfo& chip = program.chip;
  const int64_t nps = int64_t{chip.mesh_cols} * chip.mesh_rows * chip.nps_per_node;
  std::vector<int64_t> first_tile(program.ops.size() + 1, 0);  // a tile's number over all ops
  for (size_t i = 0; i < program.ops.size(); ++i)
    first_tile[i + 1] = first_tile[i] + static_cast<int64_t>(program.ops[i].tiles.size());
  const auto reached = [&](const ir::Route& route, int index) {
    const Op& dst = program.ops.at(route.dst_op);
    return (first_tile.at(route.src_op) + route.src_tile) * nps +
           ir::np_index(dst.tiles.at(index).np, chip.mesh_cols, chip.nps_per_node);
  };
  const auto kv_to = [&](const ir::Route& route, OpKind kind) {
    return program.ops.at(route.src_op).kind == OpKind::KvRead && program.ops.at(route.dst_op).kind == kind;
  };
  std::vector<int64_t> score_nps;
  for (const ir::Route& route : program.routes) {
    if (!kv_to(route, OpKind::AttnScore)) continue;
    for (int index : route.dst_tiles) score_nps.push_back(reached(route, index));
  }
  std::sort(score_nps.begin(), score_nps.end());
  std::vector<bool> repeated(program.routes.size(), false);
  for (size_t i = 0; i < program.routes.size(); ++i) {
    const ir::Route& route = program.routes[i];
    if (!kv_to(route, OpKind::AttnValue) || route.dst_tiles.empty()) continue;
    repeated[i] = std::all_of(route.dst_tiles.begin(), route.dst_tiles.end(), [&](int index) {
      return std::binary_search(score_nps.begin(), score_nps.end(), reached(route, index));
    });
  }
  return repeated;
}

double route_bytes(const ir::Program& program, const ir::Route& route, const HwConfig& hw, const Phase& phase,
                   int64_t tokens, bool repeated_delivery) {
  const Op& src = program.ops.at(route.src_op);
  if (src.kind == OpKind::KvRead) {
    if (repeated_delivery) return 0;
    const ir::Buffer& buffer = program.buffers.at(src.buffer);
    return kv_rows(phase, tokens, src.window) * buffer.bytes_per_token *
           kv_share(src, buffer, src.tiles.at(route.src_tile));
  }
  if (rotates_on_read(program, src)) {  // the rotated keys: rows of activations, data not events
    return output_elements(program, src, src.tiles.at(route.src_tile), phase, tokens) *
           program.precision.act_bits / 8.0;
  }
  return route_events(program, route, phase, tokens) * hw.noc.event_bytes;
}

double route_sram_write_bytes(const ir::Program& program, const ir::Route& route, double bytes) {
  const Op& src = program.ops.at(route.src_op);
  if (src.kind != OpKind::KvRead && !rotates_on_read(program, src)) return 0;
  return bytes * static_cast<double>(route.dst_tiles.size());
}

SpillBytes spill_bytes(const ir::Program& program, const HwConfig& hw, const Phase& phase) {
  SpillBytes spill;
  if (!phase.spills()) return spill;
  for (const Op& op : program.ops) {
    spill.read.emplace_back(op.tiles.size(), 0.0);
    spill.write.emplace_back(op.tiles.size(), 0.0);
  }
  std::vector<int64_t> tokens(program.ops.size(), 0);
  for (const ir::Step& step : program.prefill) tokens.at(step.op) = step_tokens(step, phase);
  for (const ir::Route& route : program.routes) {
    const int64_t carried = std::min(tokens.at(route.src_op), tokens.at(route.dst_op));
    const Op& src = program.ops.at(route.src_op);
    if (src.kind == OpKind::KvRead || rotates_on_read(program, src) || carried <= phase.chunk ||
        route.dst_tiles.empty())
      continue;
    const double bytes = route_bytes(program, route, hw, phase, carried, false);
    spill.write.at(route.src_op).at(route.src_tile) += bytes;
    spill.read.at(route.dst_op).at(route.dst_tiles.front()) += bytes;
  }
  return spill;
}

void add_spill(TileWork& work, const SpillBytes& spill, const Op& op, const Tile& tile) {
  if (spill.read.empty()) return;
  const double read = spill.read.at(op.id).at(tile.index);
  const double write = spill.write.at(op.id).at(tile.index);
  work.dram_read_bytes += read;
  work.dram_write_bytes += write;
  work.counts.dram_bytes += read + write;
}

double route_cycles(double bytes, int depth, const HwConfig& hw) {
  if (bytes <= 0) return 0;
  return depth * hw.noc.hop_latency_cycles + std::ceil(bytes / hw.noc.link_bytes_per_cycle);
}

}  // namespace neurokv
