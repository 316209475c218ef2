#pragma once
// Measured events for the estimators: executes a model with real weights in integer numerics on an input and
// returns the density measured at every site, to replace the assumed densities (docs/executor.md).
#include <vector>

#include "compiler/driver/compile.hpp"
#include "compiler/driver/model_source.hpp"
#include "simulator/functional/measured_density.hpp"
#include "simulator/functional/quality.hpp"

namespace neurokv::functional {

struct MeasuredEvents {
  std::map<std::string, SiteCount> sites;
  ActivationDensity density;  // the model's assumed densities with every measured site replaced
  int tokens = 0;
  QualityVsFloat quality;  // of the integer execution that measured them, on the same input
};

// Compiles `variant` of `model` (which must have weights) for `hw`, calibrates activation scales on `ids`
// (a float run) and executes them in integer numerics. Throws InputError for a model without weights or bad
// ids.
MeasuredEvents measure_events(const ModelSource& model, const LayerVariants& variant, const HwConfig& hw,
                              const CompileOptions& options, const std::vector<int>& ids,
                              const std::string& where);

}  // namespace neurokv::functional
