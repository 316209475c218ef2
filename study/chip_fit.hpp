#pragma once
// `neurokv calibrate`: fits the free chip coefficients of a ChipFitSpec to its measured rows by bounded least
// squares on relative errors (docs/validation.md, "Calibrating to silicon"), and writes the fitted chip.
//
// The optimiser is Eigen's (unsupported) Levenberg-Marquardt with a forward-difference Jacobian, on a
// bounded reparametrisation x = min + (max - min) (1 + sin u) / 2 (MINUIT's), so every trial chip is within
// its bounds. Integral keys (MAC lanes) make the cost a step function of them, which no gradient sees: the
// fit tries every integral combination in the bounds and runs Levenberg-Marquardt on the continuous keys for
// each, keeping the least sum of squares.
#include <map>
#include <string>
#include <vector>

#include "simulator/frame_cost.hpp"
#include "study/chip_fit_spec.hpp"

namespace neurokv::study {

// A row priced on a chip: our figures next to the measured ones. A relative error is ours / measured - 1.
struct RowResidual {
  const MeasuredRow* row = nullptr;
  bool held_out = false;
  int nps = 0;  // the NPs our mapping uses
  double cycles = 0, dynamic_j = 0, total_j = 0;
  double floor_w = 0;  // the static power of what the mapping powers (chip and DRAM)
  std::map<std::string, double> relative_error;  // by figure: "cycles", "dynamic", "total", "floor"
};

struct ChipFit {
  HwConfig chip;                           // the base chip with the fitted values set
  std::map<std::string, double> values;    // by free key
  std::vector<RowResidual> before, after;  // every row (fit then held out) on the base and the fitted chip
  double sum_squares = 0;                  // of the fit rows' relative errors, after
};

ChipFit fit_chip(const ChipFitSpec& spec);

// The base chip's YAML with each fitted key's `value` replaced and its provenance a `fitted:` block naming
// how it was fitted, its bounds, the fit rows, and its provenance before; loads with the normal chip loader.
std::string fitted_chip_yaml(const ChipFitSpec& spec, const ChipFit& fit);

}  // namespace neurokv::study
