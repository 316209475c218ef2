#pragma once
#include <CLI/CLI.hpp>

namespace neurokv::cli {

// `neurokv dram`: drives the DRAM command model (simulator/dram/) with a synthetic stream and prints
// bandwidth, latency and row-buffer figures.
void add_dram_command(CLI::App& app);

}  // namespace neurokv::cli
