#include "cli/commands/commands.hpp"

#include "cli/commands/sweep_command.hpp"

namespace neurokv::cli {

Commands register_commands(CLI::App& app) {
  add_sweep_command(app);
  add_plot_command(app);
  return Commands{[] {}};
}

}  // namespace neurokv::cli
