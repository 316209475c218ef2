#include "cli/commands/commands.hpp"

#include "cli/commands/ir_command.hpp"

namespace neurokv::cli {

Commands register_commands(CLI::App& app) {
  add_ir_command(app);
  return Commands{[] {}};
}

}  // namespace neurokv::cli
