#pragma once
#include <CLI/CLI.hpp>

namespace neurokv::cli {

// `neurokv calibrate FIT.yaml`: fits chip coefficients to measured CNN frames (docs/validation.md,
// "Calibrating to silicon").
void add_calibrate_command(CLI::App& app);

}  // namespace neurokv::cli
