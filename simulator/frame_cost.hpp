#pragma once
// The analytic cost of one frame through a CNN mapped onto the chip (compiler/passes/map_cnn.hpp): per layer,
// its MACs, events, cycles and memory and NoC traffic, priced by the same EnergyModel as the transformer
// estimate. A CNN's unit of work is a frame (one input image or spectrogram), not a token. The equations
// are in docs/energy-model.md ("CNN layers, per frame"); their coefficients are the chip's: assumed in the
// shipped chips, fitted to Akida's measured frames by `neurokv calibrate` (docs/validation.md).
#include <optional>
#include <string>
#include <vector>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/passes/map_cnn.hpp"
#include "simulator/action_counts.hpp"
#include "simulator/energy_model.hpp"
#include "simulator/static_power.hpp"

namespace neurokv {

struct FrameLayerCost {
  std::string name;
  CnnLayerKind kind = CnnLayerKind::Conv2d;
  passes::LayerEngine engine = passes::LayerEngine::Cnp;
  int nps = 0, spatial_tiles = 0, filter_tiles = 0, pass = 0;
  double dense_macs = 0;     // every input non-zero
  double synops = 0;         // MACs done: non-zero inputs only, except on the HRC
  double events = 0;         // non-zero activations it receives
  double cycles = 0;         // compute, the route to the next layer, and (FNP2) its weight stream
  double input_density = 1;  // the share of its inputs that are events (assumed, or measured)
};

// Measured events (study/cnn_estimate.hpp): what was executed to measure the layers' input densities.
struct FrameEventsSource {
  std::string weights;   // e.g. "synthetic weights (He-normal, seed 1)"
  std::string frames;    // e.g. "8 synthetic frames (uniform random bytes, seed 1)"
  std::string numerics;  // "int" or "float"
};

struct FrameReport {
  std::string model, chip;
  passes::MapMode mode = passes::MapMode::AllNps;
  double clock_hz = 0;
  int64_t parameters = 0, weight_bytes = 0;
  int nps_used = 0, nps_needed = 0, nps_total = 0, passes = 1, spread = 1;
  std::vector<FrameLayerCost> layers;
  double reload_cycles = 0;  // passes > 1: loading every pass's weights, every frame
  double cycles = 0, latency_s = 0, frames_per_s = 0;
  ActionCounts counts;
  EnergyBreakdown energy;
  StaticPower power;
  std::vector<std::string> notes;             // what the figures assume, for the reader
  std::optional<FrameEventsSource> measured;  // set when the densities were measured, not assumed
};

FrameReport estimate_frame(const CnnSpec& spec, const passes::CnnMapping& mapping, const HwConfig& hw);

}  // namespace neurokv
