#include "cli/commands/commands.hpp"

namespace neurokv::cli {

Commands register_commands(CLI::App& app) {
  (void)app;
  return Commands{[] {}};
}

}  // namespace neurokv::cli
