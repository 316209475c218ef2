#pragma once
// The latency–load curve of a synthetic traffic pattern: one run per offered rate, the runs side by side, and
// the gnuplot data and script that draw it (`neurokv noc --rates a:b:step --plots DIR`).
#include <cstddef>
#include <string>
#include <vector>

#include "simulator/noc/synthetic_run.hpp"

namespace neurokv::noc {

struct LoadPoint {
  double rate = 0;  // the offered load asked for
  SyntheticResult result;
};

// Rates from `first` to `last` (inclusive, within a rounding of the step) by `step`. Throws InputError unless
// 0 < first ≤ last ≤ 1 and step > 0, naming `flag`.
std::vector<double> rate_steps(const std::string& flag, double first, double last, double step);

// One run_synthetic per rate, on up to `workers` threads (each run its own mesh, so the points are those of
// one run after the other), in the order of `rates`. Throws the first error in that order.
std::vector<LoadPoint> run_load_curve(const NocParams& params, const SyntheticOptions& options,
                                      const std::vector<double>& rates, std::size_t workers);

// Writes DIR/latency_load.dat and DIR/latency_load.gp (an SVG and a PNG of mean latency against accepted and
// offered load, the zero-load latency as a floor); returns the script's name, relative to DIR.
std::string write_load_curve(const std::string& dir, const std::string& title,
                             const std::vector<LoadPoint>& points);

}  // namespace neurokv::noc
