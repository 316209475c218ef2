#pragma once
#include <CLI/CLI.hpp>

namespace neurokv::cli {

// `neurokv sweep SPEC --out DIR` (with -j, --resume, --shard) and `neurokv sweep merge DIR... --out DIR`.
void add_sweep_command(CLI::App& app);
// `neurokv plot DIR`: redraws a sweep's plots from its results.
void add_plot_command(CLI::App& app);

}  // namespace neurokv::cli
