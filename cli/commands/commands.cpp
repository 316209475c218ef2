#include "cli/commands/commands.hpp"

#include "cli/commands/estimate_command.hpp"
#include "cli/commands/inspect_command.hpp"
#include "cli/commands/run_command.hpp"

namespace neurokv::cli {

Commands register_commands(CLI::App& app) {
  add_estimate_command(app);
  add_inspect_command(app);
  Commands commands;
  commands.run_default = add_run_command(app);
  return commands;
}

}  // namespace neurokv::cli
