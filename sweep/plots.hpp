#pragma once
// Plots of a sweep's results: the library writes gnuplot data files and scripts into DIR/plots; the CLI runs
// gnuplot on them (each script draws an SVG and a PNG). See docs/sweeps.md for what each plot shows.
#include <string>
#include <vector>

#include "sweep/results.hpp"

namespace neurokv::sweep {

// Writes the data and scripts; returns the scripts' file names, relative to `plots_dir`.
std::vector<std::string> write_plots(const std::string& plots_dir, const SweepResults& results);

}  // namespace neurokv::sweep
