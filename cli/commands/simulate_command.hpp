#pragma once
#include <CLI/CLI.hpp>

namespace neurokv::cli {

// `neurokv simulate PROGRAM.nkir`: run a compiled program on the SystemC chip model.
void add_simulate_command(CLI::App& app);

}  // namespace neurokv::cli
