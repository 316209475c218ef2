#pragma once
#include <CLI/CLI.hpp>

namespace neurokv::cli {

// `neurokv compile`: a model and one attention variant, lowered for a chip into an Event IR program (.nkir).
void add_compile_command(CLI::App& app);

}  // namespace neurokv::cli
