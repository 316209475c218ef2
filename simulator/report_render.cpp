#include "simulator/report_render.hpp"

#include <fmt/format.h>

#include <cmath>

namespace neurokv {
namespace {

using nlohmann::json;

json energy_json(const EnergyBreakdown& e) {
  json out = json::object();
  for (const auto& [name, field] : EnergyBreakdown::fields()) out[name] = e.*field;
  return out;
}

json memory_json(const MemoryReport& m) {
  return {
      {"weights_on_chip_bytes", m.weights_on_chip_bytes},
      {"weights_in_dram_bytes", m.weights_in_dram_bytes},
      {"kv_location", m.kv_location},
      {"kv_cache_bytes", m.kv_cache_bytes},
      {"peak_np_sram_bytes", m.peak_np_sram_bytes},
      {"peak_event_queue_bytes", m.peak_event_queue_bytes ? json(*m.peak_event_queue_bytes) : json(nullptr)},
      {"nps_used", m.nps_used},
      {"nps_total", m.nps_total}};
}

json variant_json(const VariantReport& v) {
  json out = {{"variant", v.variant},
              {"kv_heads", v.kv_heads},
              {"params", v.params},
              {"weight_bytes", v.weight_bytes},
              {"kv_cache_bytes_per_token", v.kv_cache_bytes_per_token},
              {"kv_cache_bytes", v.kv_cache_bytes},
              {"kv_cache_reduction", v.kv_cache_reduction},
              {"macs_forward_full", v.macs_forward_full},
              {"decode", phase_json(v.decode)},
              {"memory", memory_json(v.memory)}};
  json layers = json::array();
  for (const LayerCost& layer : v.decode_layers) {
    layers.push_back({{"layer", layer.layer},
                      {"cycles", layer.cycles},
                      {"energy_j", layer.energy.total()},
                      {"energy_breakdown_j", energy_json(layer.energy)}});
  }
  out["decode"]["layers"] = layers;
  if (v.prefill) out["prefill"] = phase_json(*v.prefill);
  return out;
}

// Human units for the table: 305.5 M, 80.0 KiB.
std::string count(double value) {
  if (value >= 1e9) return fmt::format("{:.2f} G", value / 1e9);
  if (value >= 1e6) return fmt::format("{:.1f} M", value / 1e6);
  if (value >= 1e3) return fmt::format("{:.1f} k", value / 1e3);
  return fmt::format("{:.0f}", value);
}

std::string bytes(double value) {
  if (value >= 1024.0 * 1024 * 1024) return fmt::format("{:.2f} GiB", value / (1024.0 * 1024 * 1024));
  if (value >= 1024.0 * 1024) return fmt::format("{:.1f} MiB", value / (1024.0 * 1024));
  if (value >= 1024.0) return fmt::format("{:.1f} KiB", value / 1024.0);
  return fmt::format("{:.0f} B", value);
}

std::string seconds(double value) {
  if (value >= 1) return fmt::format("{:.2f} s", value);
  if (value >= 1e-3) return fmt::format("{:.2f} ms", value * 1e3);
  return fmt::format("{:.1f} µs", value * 1e6);
}

std::string joules(double value) {
  if (value >= 1) return fmt::format("{:.2f} J", value);
  if (value >= 1e-3) return fmt::format("{:.2f} mJ", value * 1e3);
  return fmt::format("{:.1f} µJ", value * 1e6);
}

std::string percent(double fraction) { return fmt::format("{:.1f}%", fraction * 100); }

}  // namespace

json phase_json(const PhaseReport& p) {
  return {{"macs", p.macs},
          {"synaptic_ops", p.synaptic_ops},
          {"events", p.events},
          {"activation_sparsity", p.activation_sparsity},
          {"sram_bytes", p.sram_bytes},
          {"dram_bytes", p.dram_bytes},
          {"noc_hop_bytes", p.noc_hop_bytes},
          {"cycles", p.cycles},
          {"bound", p.bound},
          {"latency_s", p.latency_s},
          {"tokens_per_s", p.tokens_per_s},
          {"energy_j", p.energy.total()},
          {"energy_breakdown_j", energy_json(p.energy)}};
}

json report_json(const Report& r) {
  json variants = json::array();
  for (const VariantReport& v : r.variants) variants.push_back(variant_json(v));
  return {{"schema", "neurokv.report/1"},
          {"fidelity", r.fidelity},
          {"model",
           {{"name", r.model.name},
            {"layers", r.model.layers},
            {"d_model", r.model.d_model},
            {"heads", r.model.heads},
            {"head_dim", r.model.head_dim},
            {"mlp_hidden", r.model.mlp_hidden},
            {"vocab", r.model.vocab}}},
          {"hw", {{"name", r.hw_name}, {"clock_hz", r.clock_hz}}},
          {"context", r.context},
          {"prompt", r.prompt},
          {"precision", {{"weight_bits", r.weight_bits}, {"act_bits", r.act_bits}, {"kv_bits", r.kv_bits}}},
          {"variants", variants}};
}

std::vector<std::string> report_csv_columns() {
  std::vector<std::string> columns = {"model",
                                      "hw",
                                      "fidelity",
                                      "context",
                                      "variant",
                                      "kv_heads",
                                      "params",
                                      "weight_bytes",
                                      "kv_cache_bytes_per_token",
                                      "kv_cache_bytes",
                                      "kv_cache_reduction",
                                      "macs_forward_full",
                                      "decode_macs",
                                      "decode_synaptic_ops",
                                      "decode_events",
                                      "decode_sram_bytes",
                                      "decode_dram_bytes",
                                      "decode_noc_hop_bytes",
                                      "decode_cycles",
                                      "decode_bound",
                                      "decode_latency_s",
                                      "decode_tokens_per_s",
                                      "decode_energy_j"};
  for (const auto& [name, field] : EnergyBreakdown::fields())
    columns.push_back(fmt::format("decode_energy_{}_j", name));
  for (const char* name :
       {"weights_on_chip_bytes", "weights_in_dram_bytes", "kv_location", "peak_np_sram_bytes", "nps_used",
        "prefill_cycles", "prefill_latency_s", "prefill_energy_j", "prefill_dram_bytes"}) {
    columns.emplace_back(name);
  }
  return columns;
}

std::vector<std::string> report_csv_values(const Report& r, const VariantReport& v) {
  const PhaseReport& d = v.decode;
  const auto num = [](double x) { return fmt::format("{}", x); };
  std::vector<std::string> values = {r.model.name,
                                     r.hw_name,
                                     r.fidelity,
                                     num(r.context),
                                     v.variant,
                                     num(v.kv_heads),
                                     num(v.params),
                                     num(v.weight_bytes),
                                     num(v.kv_cache_bytes_per_token),
                                     num(v.kv_cache_bytes),
                                     num(v.kv_cache_reduction),
                                     num(v.macs_forward_full),
                                     num(d.macs),
                                     num(d.synaptic_ops),
                                     num(d.events),
                                     num(d.sram_bytes),
                                     num(d.dram_bytes),
                                     num(d.noc_hop_bytes),
                                     num(d.cycles),
                                     d.bound,
                                     num(d.latency_s),
                                     num(d.tokens_per_s),
                                     num(d.energy.total())};
  for (const auto& [name, field] : EnergyBreakdown::fields()) values.push_back(num(d.energy.*field));
  for (std::string value : {num(v.memory.weights_on_chip_bytes), num(v.memory.weights_in_dram_bytes),
                            v.memory.kv_location, num(v.memory.peak_np_sram_bytes), num(v.memory.nps_used)}) {
    values.push_back(std::move(value));
  }
  // Empty when no prefill was run (--prompt 0).
  const std::optional<PhaseReport>& p = v.prefill;
  for (std::string value : {p ? num(p->cycles) : "", p ? num(p->latency_s) : "",
                            p ? num(p->energy.total()) : "", p ? num(p->dram_bytes) : ""}) {
    values.push_back(std::move(value));
  }
  return values;
}

std::string report_csv(const Report& r) {
  std::string out = fmt::format("{}\n", fmt::join(report_csv_columns(), ","));
  for (const VariantReport& v : r.variants)
    out += fmt::format("{}\n", fmt::join(report_csv_values(r, v), ","));
  return out;
}

std::string report_table(const Report& r) {
  std::string out = fmt::format(
      "neurokv · {} on {} · context {} · {} fidelity · weights {}-bit, activations {}-bit, KV cache "
      "{}-bit\n\n",
      r.model.name, r.hw_name, r.context, r.fidelity, r.weight_bits, r.act_bits, r.kv_bits);
  out += fmt::format("{:<9} {:>3} {:>9} {:>10} {:>10} {:>10} {:>6} | {:>10} {:>9} {:>10} {:>11} {:>8}\n",
                     "variant", "kvh", "params", "weights", "KV/token", "KV@ctx", "KV cut", "decode",
                     "tokens/s", "energy/tok", "DRAM/tok", "bound");
  for (const VariantReport& v : r.variants) {
    const PhaseReport& d = v.decode;
    out += fmt::format(
        "{:<9} {:>3} {:>9} {:>10} {:>10} {:>10} {:>6} | {:>10} {:>9.1f} {:>10} {:>11} {:>8}\n", v.variant,
        v.kv_heads, count(static_cast<double>(v.params)), bytes(static_cast<double>(v.weight_bytes)),
        bytes(static_cast<double>(v.kv_cache_bytes_per_token)), bytes(static_cast<double>(v.kv_cache_bytes)),
        percent(v.kv_cache_reduction), seconds(d.latency_s), d.tokens_per_s, joules(d.energy.total()),
        bytes(d.dram_bytes), d.bound);
  }
  // One column per energy line, in EnergyBreakdown::fields() order.
  out += fmt::format("\nDecode energy per token by action\n{:<9}", "variant");
  for (const auto& [name, field] : EnergyBreakdown::fields()) out += fmt::format(" {:>9}", name);
  out += fmt::format("  {:>9} {:>9}\n", "synops", "sparsity");
  for (const VariantReport& v : r.variants) {
    out += fmt::format("{:<9}", v.variant);
    for (const auto& [name, field] : EnergyBreakdown::fields())
      out += fmt::format(" {:>9}", joules(v.decode.energy.*field));
    out +=
        fmt::format("  {:>9} {:>9}\n", count(v.decode.synaptic_ops), percent(v.decode.activation_sparsity));
  }
  bool any_prefill = false;
  for (const VariantReport& v : r.variants) any_prefill = any_prefill || v.prefill.has_value();
  if (any_prefill) {
    out += fmt::format("\nPrefill of {} tokens\n{:<9} {:>10} {:>10} {:>11} {:>8}\n", r.prompt, "variant",
                       "latency", "energy", "DRAM", "bound");
    for (const VariantReport& v : r.variants) {
      if (!v.prefill) continue;
      out += fmt::format("{:<9} {:>10} {:>10} {:>11} {:>8}\n", v.variant, seconds(v.prefill->latency_s),
                         joules(v.prefill->energy.total()), bytes(v.prefill->dram_bytes), v.prefill->bound);
    }
  }
  return out;
}

}  // namespace neurokv
