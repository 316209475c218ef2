#pragma once
// Plots of a sweep's results: the library writes gnuplot data files and scripts into DIR/plots; the CLI runs
// gnuplot on them (each script draws an SVG and a PNG). See docs/sweeps.md for what each plot shows.
#include <string>
#include <vector>

#include "sweep/results.hpp"

namespace neurokv::sweep {

// Writes the data and scripts; returns the scripts' file names, relative to `plots_dir`. Takes the results
// by value to drop the infeasible rows in place: a caller done with them moves them in, and a large sweep's
// rows are held once.
std::vector<std::string> write_plots(const std::string& plots_dir, SweepResults results);

}  // namespace neurokv::sweep
