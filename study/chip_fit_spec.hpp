#pragma once
// What `neurokv calibrate FIT.yaml` reads (docs/validation.md, "Calibrating to silicon"): a base chip, the
// chip keys left free with their bounds, and measured frames of CNN models on that chip, split into the rows
// the fit uses and the rows it only reports (held out).
#include <optional>
#include <string>
#include <vector>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/passes/map_cnn.hpp"

namespace neurokv::study {

struct FreeCoefficient {
  std::string key;  // a numeric chip key, dotted as in HwConfig::provenance ("np.mac_lanes")
  double min = 0, max = 0;
  bool integral = false;  // the chip holds it as an integer: the fit tries each value in [min, max]
};

// One measured frame. Any figure may be absent; the fit uses those present.
struct MeasuredRow {
  std::string name;    // unique in the file; the fitted chip names the rows it came from
  std::string where;   // file:line:col, for messages
  std::string source;  // where the figures were published
  CnnSpec model;
  passes::MapMode mode = passes::MapMode::AllNps;
  std::optional<int> nps;        // reported, not fitted: the mapping does not depend on the free keys
  std::optional<double> cycles;  // clocks per frame
  std::optional<double> dynamic_j, total_j;  // energy per frame, joules (the file gives mJ)
  // The floor: the static power drawn with the model mapped (published as total minus dynamic power), watts
  // (the file gives mW). It prices the static-power keys apart from the frame's duration.
  std::optional<double> floor_w;
  int figures() const {
    return int{cycles.has_value()} + int{dynamic_j.has_value()} + int{total_j.has_value()} +
           int{floor_w.has_value()};
  }
};

struct ChipFitSpec {
  std::string file;
  std::string chip_text;  // the base chip's YAML
  HwConfig chip;
  std::string fitted_name;  // the `name:` of the fitted chip
  std::vector<FreeCoefficient> free;
  std::vector<MeasuredRow> fit, held_out;
};

// Reads and checks FIT.yaml. InputError naming file:line:col for: a coefficient that is no numeric key of
// the chip or that the fit cannot vary, bounds out of order or outside what the chip file accepts, a row
// naming an unknown or non-CNN model, a row with no figure, and a fit with more free coefficients than
// fitted figures (under-determined).
ChipFitSpec load_chip_fit_spec(const std::string& path);

}  // namespace neurokv::study
