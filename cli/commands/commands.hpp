#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace neurokv::cli {

struct Commands {
  std::function<void()> run_default;  // what `neurokv` with no subcommand does
};

// Adds every subcommand to `app`.
Commands register_commands(CLI::App& app);

}  // namespace neurokv::cli
