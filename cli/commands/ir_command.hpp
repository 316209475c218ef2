#pragma once
#include <CLI/CLI.hpp>

namespace neurokv::cli {

// `neurokv ir verify FILE [--hw NAME]` and `neurokv ir print FILE`: check or normalise an Event IR program.
void add_ir_command(CLI::App& app);

}  // namespace neurokv::cli
