#include "simulator/frame_report_render.hpp"

#include <fmt/format.h>

#include "simulator/human_units.hpp"

namespace neurokv {

std::string frame_report_table(const FrameReport& r) {
  std::string out = fmt::format(
      "CNN {} on {} ({:.0f} MHz), mapping {}: analytic estimate PER FRAME (one input frame, not per token)\n",
      r.model, r.chip, r.clock_hz / 1e6, passes::to_string(r.mode));
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

}  // namespace neurokv
