#pragma once
#include <CLI/CLI.hpp>

namespace neurokv::cli {

// `neurokv noc`: synthetic traffic on the flit-level mesh NoC (docs/simulator.md "Cycle-level NoC").
void add_noc_command(CLI::App& app);

}  // namespace neurokv::cli
