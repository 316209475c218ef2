#pragma once
#include <CLI/CLI.hpp>

namespace neurokv::cli {

// `neurokv estimate`: compile each variant and cost it with the analytic estimator.
void add_estimate_command(CLI::App& app);

}  // namespace neurokv::cli
