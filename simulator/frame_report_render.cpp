#include "simulator/frame_report_render.hpp"

#include <fmt/format.h>

#include "simulator/human_units.hpp"

namespace neurokv {

std::string frame_report_table(const FrameReport& r) {
  std::string out = fmt::format(
      "CNN {} on {} ({:.0f} MHz), mapping {}: analytic estimate PER FRAME (one input frame, not per token)\n",
      r.model, r.chip, r.clock_hz / 1e6, passes::to_string(r.mode));
  if (r.measured) {
    out += fmt::format("events          MEASURED by {} execution of {} with {}\n", r.measured->numerics,
                       r.measured->frames, r.measured->weights);
    std::string densities;
    for (const FrameLayerCost& l : r.layers) {
      densities += fmt::format("{}{} {:.4f}{}", densities.empty() ? "" : ", ", l.name, l.input_density,
                               l.engine == passes::LayerEngine::Hrc ? " (HRC: dense)" : "");
    }
    out += fmt::format("input density   {}\n", densities);
  }
  out += fmt::format("{:<14} {:<11} {:<6} {:>4} {:>11} {:>4} {:>10} {:>10} {:>10} {:>10}\n", "layer", "kind",
                     "engine", "NPs", "tiles", "pass", "MACs", "synops", "events", "cycles");
  for (const FrameLayerCost& l : r.layers) {
    const bool on_hrc = l.engine == passes::LayerEngine::Hrc;
    out += fmt::format("{:<14} {:<11} {:<6} {:>4} {:>11} {:>4} {:>10} {:>10} {:>10} {:>10}\n", l.name,
                       to_string(l.kind), passes::to_string(l.engine), on_hrc ? "-" : std::to_string(l.nps),
                       on_hrc ? "-" : fmt::format("{}x{}", l.spatial_tiles, l.filter_tiles), l.pass,
                       count(l.dense_macs), count(l.synops), count(l.events), count(l.cycles));
  }
  out += fmt::format(
      "NPs used        {} of {} ({} pass{}{})\n", r.nps_used, r.nps_total, r.passes,
      r.passes == 1 ? "" : fmt::format("es of {} NPs in all, weights reloaded every frame", r.nps_needed),
      r.spread > 1 ? fmt::format("; AllNps spread x{}", r.spread) : "");
  out += fmt::format("parameters      {} ({} of weights)\n", count(static_cast<double>(r.parameters)),
                     bytes(static_cast<double>(r.weight_bytes)));
  out += fmt::format("per frame       {} cycles, {} ({:.1f} frames/s)\n", count(r.cycles),
                     seconds(r.latency_s), r.frames_per_s);
  out += fmt::format("energy / frame  dynamic {}, static {}, total {}\n", joules(r.energy.dynamic()),
                     joules(r.energy.static_total()), joules(r.energy.total()));
  out +=
      fmt::format("  dynamic       mac {}, sram {}, noc {}, dram {}, event {}\n", joules(r.energy.mac),
                  joules(r.energy.sram), joules(r.energy.noc), joules(r.energy.dram), joules(r.energy.event));
  out +=
      fmt::format("  static power  {} ({} NPs, {} routers powered)\n",
                  si(r.power.chip_w() + r.power.dram_w, "W"), r.power.powered_nps, r.power.powered_routers);
  out += "cycles and energy use the chip's assumed coefficients, not yet fitted to Akida's measurements\n";
  for (const std::string& note : r.notes) out += fmt::format("note: {}\n", note);
  return out;
}

nlohmann::json frame_report_json(const FrameReport& r) {
  using nlohmann::json;
  json layers = json::array();
  for (const FrameLayerCost& l : r.layers) {
    layers.push_back({{"name", l.name},
                      {"kind", to_string(l.kind)},
                      {"engine", passes::to_string(l.engine)},
                      {"nps", l.nps},
                      {"input_tiles", l.spatial_tiles},
                      {"filter_groups", l.filter_tiles},
                      {"pass", l.pass},
                      {"macs", l.dense_macs},
                      {"synaptic_ops", l.synops},
                      {"events", l.events},
                      {"cycles", l.cycles}});
    if (r.measured) layers.back()["input_density"] = l.input_density;
  }
  json energy = json::object();
  for (const auto& [name, field] : EnergyBreakdown::fields()) energy[name] = r.energy.*field;
  json report = {{"schema", "neurokv.frame_report/1"},
                 {"unit", "frame"},
                 {"model", r.model},
                 {"chip", r.chip},
                 {"map_mode", passes::to_string(r.mode)},
                 {"clock_hz", r.clock_hz},
                 {"params", r.parameters},
                 {"weight_bytes", r.weight_bytes},
                 {"nps_used", r.nps_used},
                 {"nps_needed", r.nps_needed},
                 {"nps_total", r.nps_total},
                 {"passes", r.passes},
                 {"allnps_spread", r.spread},
                 {"cycles", r.cycles},
                 {"reload_cycles", r.reload_cycles},
                 {"latency_s", r.latency_s},
                 {"frames_per_s", r.frames_per_s},
                 {"energy_j", r.energy.total()},
                 {"energy_dynamic_j", r.energy.dynamic()},
                 {"energy_static_j", r.energy.static_total()},
                 {"energy", energy},
                 {"static_power",
                  {{"powered_nps", r.power.powered_nps},
                   {"powered_routers", r.power.powered_routers},
                   {"chip_w", r.power.chip_w()},
                   {"dram_w", r.power.dram_w}}},
                 {"layers", layers},
                 {"notes", r.notes}};
  if (r.measured) {
    report["events"] = {{"source", "measured"},
                        {"weights", r.measured->weights},
                        {"frames", r.measured->frames},
                        {"numerics", r.measured->numerics}};
  }
  return report;
}

}  // namespace neurokv
