#include "simulator/report_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "compiler/config/extrapolation.hpp"
#include "compiler/config/layer_variants.hpp"
#include "simulator/human_units.hpp"
#include "simulator/number_text.hpp"

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
      {"peak_prefill_event_queue_bytes",
       m.peak_prefill_event_queue_bytes ? json(*m.peak_prefill_event_queue_bytes) : json(nullptr)},
      {"nps_used", m.nps_used},
      {"nps_total", m.nps_total}};
}

// A count (MACs, events, bytes, cycles) as a whole number: a per-token average or an analytic expectation is
// rounded to the nearest integer, so 166472703.99999937 reads 166472704.
int64_t whole(double count) { return std::llround(count); }

// The KV heads of each layer, from the variant's name (a mixed model's names each layer's variant).
std::vector<int> kv_heads_per_layer(const Report& r, const VariantReport& v) {
  if (r.model.heads == 0 || r.model.layers == 0) return {};
  std::vector<int> heads;
  for (const AttentionVariant& layer :
       LayerVariants::parse(v.variant, r.model.heads).for_layers(r.model.layers))
    heads.push_back(layer.kv_heads());
  return heads;
}

// "4" for a uniform model, each layer's count joined by '/' for a mixed one ("16/1", as its variant name).
std::string kv_heads_text(const Report& r, const VariantReport& v) {
  if (v.kv_heads != 0) return fmt::format("{}", v.kv_heads);
  return fmt::format("{}", fmt::join(kv_heads_per_layer(r, v), "/"));
}

json optional_number(const std::optional<double>& x) { return x ? json(*x) : json(nullptr); }

json site_json(const SiteDensities& densities) {
  json out = json::object();
  for (const auto& [site, density] : densities) out[site] = density;
  return out;
}

json positions_json(int64_t begin, int64_t end) { return json::array({begin, end}); }

// Whether the report's run had a prefill: a prompt, not left out by --decode-only.
bool prefilled(const Report& r) { return r.prompt > 0 && !r.decode_only; }

// What the figures of a measured variant took from the execution and what stays assumed (JSON and table).
std::vector<std::string> measured_events_text(const Report& r, const MeasuredExecution& m) {
  std::vector<std::string> measured{
      fmt::format("decode: every op's input events, layer by layer, from executed positions {}-{}",
                  m.decode_begin, m.decode_end - 1)};
  if (prefilled(r)) {
    measured.push_back(fmt::format("prefill: every op's input events from executed positions {}-{}",
                                   m.prefill_begin, m.prefill_end - 1));
  }
  return measured;
}

std::vector<std::string> assumed_events_text(const Report& r, const MeasuredExecution& m) {
  std::vector<std::string> assumed{
      "each tile of an op: the op's measured density (a Linear's tiles receive the same events; attention "
      "heads differ)",
      "a route's events: its destination op's density", "softmax work: every score (its cost equation)"};
  if (m.decode_context > m.decode_end) {
    assumed.push_back(fmt::format(
        "decode steps at positions past the {} executed: the densities of executed positions {}-{}",
        m.decode_end, m.decode_begin, m.decode_end - 1));
  }
  if (prefilled(r) && r.prompt > m.prefill_end) {
    assumed.push_back(
        fmt::format("prefill of {} tokens: the densities of the {} executed", r.prompt, m.prefill_end));
  }
  return assumed;
}

json execution_json(const Report& r, const MeasuredExecution& m) {
  json layers = json::array();
  for (const LayerDensities& layer : m.layers)
    layers.push_back({{"layer", layer.layer}, {"densities", site_json(layer.densities)}});
  return {{"input", m.input},
          {"tokens", m.tokens},
          {"weights", m.weights},
          {"numerics", "int"},
          {"densities", site_json(m.densities)},
          {"layer_densities", layers},
          {"positions",
           {{"prefill", prefilled(r) ? positions_json(m.prefill_begin, m.prefill_end) : json(nullptr)},
            {"decode", positions_json(m.decode_begin, m.decode_end)}}},
          {"measured", measured_events_text(r, m)},
          {"assumed", assumed_events_text(r, m)},
          {"targets", m.targets},
          {"loss", optional_number(m.loss)},
          {"perplexity", optional_number(m.perplexity)},
          {"perplexity_vs_float", optional_number(m.perplexity_vs_float)},
          {"top1_agreement", m.top1_agreement}};
}

json variant_json(const Report& r, const VariantReport& v) {
  json out = {{"variant", v.variant},
              {"kv_heads", v.kv_heads},
              {"kv_heads_per_layer", kv_heads_per_layer(r, v)},
              {"params", v.params},
              {"weight_bytes", v.weight_bytes},
              {"kv_cache_bytes_per_token", v.kv_cache_bytes_per_token},
              {"kv_cache_bytes", v.kv_cache_bytes},
              {"kv_cache_reduction", v.kv_cache_reduction},
              {"macs_forward_full", whole(v.macs_forward_full)},
              {"decode", phase_json(v.decode)},
              {"memory", memory_json(v.memory)},
              {"static_power",
               {{"powered_nps", v.power.powered_nps},
                {"powered_routers", v.power.powered_routers},
                {"np_w", v.power.np_w},
                {"router_w", v.power.router_w},
                {"uncore_w", v.power.uncore_w},
                {"dram_w", v.power.dram_w}}}};
  json layers = json::array();
  for (const LayerCost& layer : v.decode_layers) {
    layers.push_back({{"layer", layer.layer},
                      {"cycles", whole(layer.cycles)},
                      {"energy_j", layer.energy.total()},
                      {"energy_breakdown_j", energy_json(layer.energy)}});
  }
  out["decode"]["layers"] = layers;
  if (v.prefill) out["prefill"] = phase_json(*v.prefill);
  out["events"] = v.measured ? "measured" : "assumed";
  out["execution"] = v.measured ? execution_json(r, *v.measured) : json(nullptr);
  if (v.fabric) {
    const FabricCounts& f = *v.fabric;
    out["fabric"] = {{"packets", f.packets},
                     {"flits_injected", f.flits_injected},
                     {"flits_ejected", f.flits_ejected},
                     {"flits_addressed", f.flits_addressed},
                     {"flit_hops", f.flit_hops},
                     {"flow_control", f.flow_control.empty() ? "ok" : f.flow_control},
                     {"dram_requests", f.dram_requests},
                     {"dram_bursts", f.dram_bursts},
                     {"dram_row_hits", f.dram_row_hits},
                     {"dram_row_misses", f.dram_row_misses},
                     {"dram_row_conflicts", f.dram_row_conflicts}};
  }
  return out;
}

std::string percent(double fraction) { return fmt::format("{:.1f}%", fraction * 100); }

std::string optional_text(const std::optional<double>& x, const char* format) {
  return x ? fmt::format(fmt::runtime(format), *x) : "-";
}

// Which events were measured and which assumed, and what the measuring execution scored on its input.
std::string events_section(const Report& r) {
  const auto measured = std::find_if(r.variants.begin(), r.variants.end(),
                                     [](const VariantReport& v) { return v.measured.has_value(); });
  if (measured == r.variants.end()) {
    return "\nEvents: assumed densities per site (docs/energy-model.md); --ids or --text on a model with "
           "weights "
           "measures them\n";
  }
  std::string out = fmt::format(
      "\nEvents measured by integer execution of {} tokens from {} with {} weights\n{:<9} {:>8} {:>10} "
      "{:>8} {:>6}  {}\n",
      measured->measured->tokens, measured->measured->input, measured->measured->weights, "variant", "loss",
      "perplexity", "vs float", "top-1", "measured densities");
  for (const VariantReport& v : r.variants) {
    if (!v.measured) {
      out += fmt::format("{:<9} assumed densities\n", v.variant);
      continue;
    }
    const MeasuredExecution& m = *v.measured;
    std::string densities;
    for (const auto& [site, density] : m.densities) densities += fmt::format(" {} {:.3f}", site, density);
    out += fmt::format("{:<9} {:>8} {:>10} {:>8} {:>6} {}\n", v.variant, optional_text(m.loss, "{:.4f}"),
                       optional_text(m.perplexity, "{:.4g}"), optional_text(m.perplexity_vs_float, "{:.4f}"),
                       percent(m.top1_agreement), densities);
    out += fmt::format("{} by layer (-1: outside the blocks):\n{}", v.variant, layer_density_table(m.layers));
    for (const std::string& line : measured_events_text(r, m)) out += "  measured: " + line + "\n";
    for (const std::string& line : assumed_events_text(r, m)) out += "  assumed:  " + line + "\n";
  }
  return out;
}

}  // namespace

json phase_json(const PhaseReport& p) {
  return {
      {"macs", whole(p.macs)},
      {"synaptic_ops", whole(p.synaptic_ops)},
      {"events", whole(p.events)},
      {"activation_sparsity", p.activation_sparsity},
      {"sram_bytes", whole(p.sram_bytes)},
      {"dram_bytes", whole(p.dram_bytes)},
      {"noc_hop_bytes", whole(p.noc_hop_bytes)},
      {"cycles", whole(p.cycles)},
      {"uncontended_cycles", p.uncontended_cycles > 0 ? json(whole(p.uncontended_cycles)) : json(nullptr)},
      {"bound", p.bound},
      {"chunk_tokens", p.chunk_tokens > 0 ? json(p.chunk_tokens) : json(nullptr)},
      {"latency_s", p.latency_s},
      {"tokens_per_s", p.tokens_per_s},
      {"energy_j", p.energy.total()},
      {"energy_dynamic_j", p.energy.dynamic()},
      {"energy_static_j", p.energy.static_total()},
      {"energy_breakdown_j", energy_json(p.energy)}};
}

json report_json(const Report& r) {
  json variants = json::array();
  for (const VariantReport& v : r.variants) variants.push_back(variant_json(r, v));
  return {{"schema", "neurokv.report/1"},
          {"fidelity", r.fidelity},
          {"model",
           {{"name", r.model.name},
            {"layers", r.model.layers},
            {"d_model", r.model.d_model},
            {"heads", r.model.heads},
            {"head_dim", r.model.head_dim},
            {"mlp_hidden", r.model.mlp_hidden},
            {"vocab", r.model.vocab},
            {"max_positions", r.model.max_positions}}},
          {"hw", {{"name", r.hw_name}, {"clock_hz", r.clock_hz}}},
          {"context", r.context},
          {"extrapolated", extrapolated(r.model.max_positions, r.context)},
          {"prompt", r.prompt},
          {"decode_only", r.decode_only},
          {"precision", {{"weight_bits", r.weight_bits}, {"act_bits", r.act_bits}, {"kv_bits", r.kv_bits}}},
          {"variants", variants}};
}

std::vector<std::string> report_csv_columns() {
  std::vector<std::string> columns = {"model",
                                      "hw",
                                      "fidelity",
                                      "context",
                                      "extrapolated",
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
                                      "decode_energy_j",
                                      "decode_dynamic_energy_j",
                                      "decode_static_energy_j"};
  for (const auto& [name, field] : EnergyBreakdown::fields())
    columns.push_back(fmt::format("decode_energy_{}_j", name));
  for (const char* name :
       {"weights_on_chip_bytes", "weights_in_dram_bytes", "kv_location", "peak_np_sram_bytes", "nps_used",
        "powered_nps", "powered_routers", "prefill_cycles", "prefill_latency_s", "prefill_energy_j",
        "prefill_dram_bytes", "prefill_chunk_tokens", "events", "loss", "perplexity", "perplexity_vs_float",
        "top1_agreement"}) {
    columns.emplace_back(name);
  }
  for (const char* site : kMeasuredSites) columns.push_back(fmt::format("density_{}", site));
  return columns;
}

std::size_t report_csv_column_count() {
  static const std::size_t count = report_csv_columns().size();
  return count;
}

std::vector<std::string> report_csv_values(const Report& r, const VariantReport& v) {
  std::vector<std::string> values;
  append_report_csv_values(r, v, values);
  return values;
}

void append_report_csv_values(const Report& r, const VariantReport& v, std::vector<std::string>& values) {
  const PhaseReport& d = v.decode;
  // fmt::to_string writes what "{}" writes, without parsing a format string (a sweep renders 10^5 rows).
  values.reserve(values.size() + report_csv_column_count());
  thread_local NumberText printed(report_csv_column_count());
  const std::size_t first = values.size();
  const auto text = [&](std::string value) { values.push_back(std::move(value)); };
  const auto num = [&](double x) { values.push_back(printed.number(values.size() - first, x)); };
  const auto integer = [&](double x) { values.push_back(printed.integer(values.size() - first, whole(x))); };
  text(r.model.name);
  text(r.hw_name);
  text(r.fidelity);
  num(r.context);
  text(extrapolated(r.model.max_positions, r.context) ? "1" : "0");
  text(v.variant);
  text(kv_heads_text(r, v));
  num(v.params);
  num(v.weight_bytes);
  num(v.kv_cache_bytes_per_token);
  num(v.kv_cache_bytes);
  num(v.kv_cache_reduction);
  integer(v.macs_forward_full);
  integer(d.macs);
  integer(d.synaptic_ops);
  integer(d.events);
  integer(d.sram_bytes);
  integer(d.dram_bytes);
  integer(d.noc_hop_bytes);
  integer(d.cycles);
  text(d.bound);
  num(d.latency_s);
  num(d.tokens_per_s);
  num(d.energy.total());
  num(d.energy.dynamic());
  num(d.energy.static_total());
  for (const auto& [name, field] : EnergyBreakdown::fields()) num(d.energy.*field);
  num(v.memory.weights_on_chip_bytes);
  num(v.memory.weights_in_dram_bytes);
  text(v.memory.kv_location);
  num(v.memory.peak_np_sram_bytes);
  num(v.memory.nps_used);
  num(v.power.powered_nps);
  num(v.power.powered_routers);
  // Empty when no prefill was run (--prompt 0).
  if (const std::optional<PhaseReport>& p = v.prefill) {
    integer(p->cycles);
    num(p->latency_s);
    num(p->energy.total());
    integer(p->dram_bytes);
    integer(static_cast<double>(p->chunk_tokens));
  } else {
    values.resize(values.size() + 5);
  }
  // Empty quality when the events were assumed (nothing was executed) or the input had no targets.
  const std::optional<MeasuredExecution>& m = v.measured;
  const auto optional = [&](const std::optional<double>& x) { x ? num(*x) : text(""); };
  text(m ? "measured" : "assumed");
  if (m) {
    optional(m->loss);
    optional(m->perplexity);
    optional(m->perplexity_vs_float);
    num(m->top1_agreement);
  } else {
    values.resize(values.size() + 4);
  }
  for (const char* site : kMeasuredSites) {
    const auto found = m ? std::find_if(m->densities.begin(), m->densities.end(),
                                        [&](const auto& entry) { return entry.first == site; })
                         : SiteDensities::const_iterator{};
    m&& found != m->densities.end() ? num(found->second) : text("");
  }
}

namespace {

// RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled.
std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (const std::string& field : fields) line += (line.empty() ? "" : ",") + csv_field(field);
  return line + "\n";
}

}  // namespace

std::string report_csv(const Report& r) {
  std::string out = csv_line(report_csv_columns());
  for (const VariantReport& v : r.variants) out += csv_line(report_csv_values(r, v));
  return out;
}

std::string layer_density_table(const std::vector<LayerDensities>& layers) {
  std::vector<std::string> sites;
  for (const LayerDensities& layer : layers) {
    for (const auto& [site, density] : layer.densities) {
      if (std::find(sites.begin(), sites.end(), site) == sites.end()) sites.push_back(site);
    }
  }
  std::sort(sites.begin(), sites.end());
  std::string out = fmt::format("  {:>5}", "layer");
  for (const std::string& site : sites) out += fmt::format(" {:>{}}", site, std::max<size_t>(site.size(), 5));
  out += "\n";
  for (const LayerDensities& layer : layers) {
    out += fmt::format("  {:>5}", layer.layer);
    for (const std::string& site : sites) {
      const auto found = std::find_if(layer.densities.begin(), layer.densities.end(),
                                      [&](const auto& entry) { return entry.first == site; });
      const std::string text = found == layer.densities.end() ? "-" : fmt::format("{:.3f}", found->second);
      out += fmt::format(" {:>{}}", text, std::max<size_t>(site.size(), 5));
    }
    out += "\n";
  }
  return out;
}

std::string report_table(const Report& r) {
  std::string out = fmt::format(
      "neurokv · {} on {} · context {} · {} fidelity · weights {}-bit, activations {}-bit, KV cache "
      "{}-bit\n\n",
      r.model.name, r.hw_name, r.context, r.fidelity, r.weight_bits, r.act_bits, r.kv_bits);
  if (extrapolated(r.model.max_positions, r.context)) {
    out = out.substr(0, out.size() - 1) +
          fmt::format("extrapolated: context {} is past the model's {} learned positions\n\n", r.context,
                      r.model.max_positions);
  }
  if (r.decode_only) {
    out = out.substr(0, out.size() - 1) +
          fmt::format(
              "decode only: the {}-token prompt's KV rows are taken as written; its prefill was not run\n\n",
              r.prompt);
  }
  out += fmt::format(
      "{:<9} {:>3} {:>9} {:>10} {:>10} {:>10} {:>6} | {:>10} {:>9} {:>10} {:>10} {:>10} {:>11} {:>8}\n",
      "variant", "kvh", "params", "weights", "KV/token", "KV@ctx", "KV cut", "decode", "tokens/s",
      "energy/tok", "dynamic", "static", "DRAM/tok", "bound");
  for (const VariantReport& v : r.variants) {
    const PhaseReport& d = v.decode;
    out += fmt::format(
        "{:<9} {:>3} {:>9} {:>10} {:>10} {:>10} {:>6} | {:>10} {:>9.1f} {:>10} {:>10} {:>10} {:>11} {:>8}\n",
        v.variant, kv_heads_text(r, v), count(static_cast<double>(v.params)),
        bytes(static_cast<double>(v.weight_bytes)), bytes(static_cast<double>(v.kv_cache_bytes_per_token)),
        bytes(static_cast<double>(v.kv_cache_bytes)), percent(v.kv_cache_reduction), seconds(d.latency_s),
        d.tokens_per_s, joules(d.energy.total()), joules(d.energy.dynamic()), joules(d.energy.static_total()),
        bytes(d.dram_bytes), d.bound);
  }
  // One column per energy line, in EnergyBreakdown::fields() order, each at least as wide as its name.
  const auto width = [](const char* name) { return std::max<std::size_t>(9, std::strlen(name)); };
  out += fmt::format("\nDecode energy per token by action\n{:<9}", "variant");
  for (const auto& [name, field] : EnergyBreakdown::fields())
    out += fmt::format(" {:>{}}", name, width(name));
  out += fmt::format("  {:>9} {:>9}\n", "synops", "sparsity");
  for (const VariantReport& v : r.variants) {
    out += fmt::format("{:<9}", v.variant);
    for (const auto& [name, field] : EnergyBreakdown::fields())
      out += fmt::format(" {:>{}}", joules(v.decode.energy.*field), width(name));
    out +=
        fmt::format("  {:>9} {:>9}\n", count(v.decode.synaptic_ops), percent(v.decode.activation_sparsity));
  }
  out += events_section(r);
  bool any_prefill = false;
  for (const VariantReport& v : r.variants) any_prefill = any_prefill || v.prefill.has_value();
  if (any_prefill) {
    out += fmt::format("\nPrefill of {} tokens\n{:<9} {:>10} {:>10} {:>11} {:>8} {:>7}\n", r.prompt,
                       "variant", "latency", "energy", "DRAM", "bound", "chunk");
    for (const VariantReport& v : r.variants) {
      if (!v.prefill) continue;
      out += fmt::format("{:<9} {:>10} {:>10} {:>11} {:>8} {:>7}\n", v.variant, seconds(v.prefill->latency_s),
                         joules(v.prefill->energy.total()), bytes(v.prefill->dram_bytes), v.prefill->bound,
                         v.prefill->chunk_tokens);
    }
  }
  return out;
}

}  // namespace neurokv
