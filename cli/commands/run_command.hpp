#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace neurokv::cli {

// `neurokv run`: compile and run each variant (prefill, then decode). Returns the action that runs it on the
// built-in defaults, which is also what `neurokv` with no subcommand does.
std::function<void()> add_run_command(CLI::App& app);

}  // namespace neurokv::cli
