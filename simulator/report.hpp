#pragma once
// One report struct for every fidelity, rendered as a terminal table, JSON ("neurokv.report/1") or CSV.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/program.hpp"
#include "compiler/support/diagnostic.hpp"
#include "simulator/action_counts.hpp"
#include "simulator/energy_model.hpp"
#include "simulator/fabric_counts.hpp"
#include "simulator/static_power.hpp"

namespace neurokv {

// The cost of one phase: one decode token, or the whole prefill.
struct PhaseReport {
  double macs = 0;          // dense MACs (what a non-event engine would do)
  double synaptic_ops = 0;  // MACs actually performed on non-zero events
  double events = 0;
  double sram_bytes = 0;  // read + written
  double dram_bytes = 0;
  double noc_hop_bytes = 0;
  double cycles = 0;
  // Analytic only: the same waves with no resource shared (no two routes on a link, DRAM streaming under
  // compute); `cycles` adds link sharing and the DRAM channel's serial service. 0 at the transaction
  // fidelity.
  double uncontended_cycles = 0;
  std::string bound;  // "compute", "dram" or "noc": what the cycles were mostly waiting for
  // Prefill: tokens per chunk (the prompt when it fits whole; below it, activations spill to DRAM between
  // ops: docs/simulator.md, "A prefill that fits"). 0 for decode.
  int64_t chunk_tokens = 0;
  double latency_s = 0;
  double tokens_per_s = 0;
  EnergyBreakdown energy;
  double activation_sparsity = 0;  // 1 − events / activations offered (NeuroBench's activation sparsity)
};

struct LayerCost {
  int layer = -1;  // -1: ops outside the blocks (embeddings, final norm, LM head)
  double cycles = 0;
  EnergyBreakdown energy;
};

struct MemoryReport {
  int64_t weights_on_chip_bytes = 0;
  int64_t weights_in_dram_bytes = 0;
  std::string kv_location;     // "sram", "dram" or "mixed"
  int64_t kv_cache_bytes = 0;  // at the report's context
  // The fullest NP's static allocation, the same at both fidelities: resident weights + its largest streamed
  // DMA pass + its share of SRAM KV buffers at full capacity (program_facts).
  int64_t peak_np_sram_bytes = 0;
  // Transaction fidelity only: the most input-event bytes queued at once in one NP's input SRAM during the
  // decode tokens (the simulator's queues are unbounded; compare with the input SRAM left beside the KV
  // share).
  std::optional<int64_t> peak_event_queue_bytes;
  // With a prefill: the most input-event bytes one NP holds at once during it. Transaction fidelity:
  // measured; analytic: the static bound of prefill_queue.hpp at the prefill's chunk. Above an NP's free
  // input SRAM (not even one token fits), a warning says the prefill figures assume larger input buffers.
  std::optional<int64_t> peak_prefill_event_queue_bytes;
  int nps_used = 0;
  int nps_total = 0;
};

// How a variant's events were counted when not from the model's assumed densities (docs/energy-model.md):
// measured by executing the program in integer numerics on an input (docs/executor.md), with the quality of
// that execution beside its cost.
using SiteDensities = std::vector<std::pair<std::string, double>>;  // by site name

// The sites an execution measures densities at (simulator/functional/measured_density.hpp), in the CSV's
// column order: the seven the cost model assumes a density for, then the inputs it assumes dense.
inline constexpr const char* kMeasuredSites[] = {
    "attn_in",     "attn_out", "mlp_in", "mlp_hidden", "lm_head_in", "attn_probs", "query",  "layernorm_in",
    "residual_in", "gelu_in",  "scores", "kv_row",     "rmsnorm_in", "glu_in",     "rope_in"};

struct LayerDensities {
  int layer = -1;  // -1: ops outside the blocks (final LayerNorm, LM head)
  SiteDensities densities;
};

struct MeasuredExecution {
  std::string input;  // what was executed: "--ids" or the --text file
  int tokens = 0;
  std::string weights;                 // whose: "the model's" or "synthetic (GPT-2 initialisation, seed N)"
  SiteDensities densities;             // per site, over every layer and position
  std::vector<LayerDensities> layers;  // the same per decoder layer
  // The executed positions each phase's per-op densities were taken from: [begin, end).
  int64_t prefill_begin = 0, prefill_end = 0, decode_begin = 0, decode_end = 0;
  int64_t decode_context = 0;  // the longest context a priced decode step attends to
  std::optional<double> loss;  // the int execution's next-token loss, nats
  std::optional<double> perplexity;
  std::optional<double> perplexity_vs_float;  // int / float on the same input
  double top1_agreement = 0;                  // positions whose most likely next token is float's
  int targets = 0;
};

struct VariantReport {
  std::string variant;
  int kv_heads = 0;
  int64_t params = 0;
  int64_t weight_bytes = 0;
  int64_t kv_cache_bytes_per_token = 0;
  int64_t kv_cache_bytes = 0;
  double kv_cache_reduction = 0;  // against QKV of the same model and cache precision
  double macs_forward_full = 0;   // N-token forward, full n×n score and value products
  PhaseReport decode;
  std::optional<PhaseReport> prefill;
  std::vector<LayerCost> decode_layers;
  MemoryReport memory;
  StaticPower power;        // what the program keeps powered, and its static watts
  Diagnostics diagnostics;  // what the user should know about these figures (cli prints them)
  std::optional<MeasuredExecution> measured;  // none: events from the model's assumed densities
  std::optional<FabricCounts> fabric;         // cycle fidelity: the whole run's flits and DRAM commands
};

struct Report {
  ir::ModelInfo model;
  std::string hw_name;
  double clock_hz = 0;
  int64_t context = 0;
  int64_t prompt = 0;        // prompt length: the decode tokens are at contexts prompt + 1, ...
  bool decode_only = false;  // the prompt's KV rows were taken as written: no prefill was run or estimated
  std::string fidelity;      // "analytic", "transaction" or "cycle"
  int weight_bits = 0, act_bits = 0, kv_bits = 0;
  std::vector<VariantReport> variants;
};

}  // namespace neurokv
