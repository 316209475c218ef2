#include "cli/commands/commands.hpp"

#include "cli/commands/calibrate_command.hpp"
#include "cli/commands/compile_command.hpp"
#include "cli/commands/dram_command.hpp"
#include "cli/commands/estimate_command.hpp"
#include "cli/commands/exec_command.hpp"
#include "cli/commands/inspect_command.hpp"
#include "cli/commands/ir_command.hpp"
#include "cli/commands/noc_command.hpp"
#include "cli/commands/run_command.hpp"
#include "cli/commands/simulate_command.hpp"
#include "cli/commands/sweep_command.hpp"

namespace neurokv::cli {

Commands register_commands(CLI::App& app) {
  add_calibrate_command(app);
  add_compile_command(app);
  add_estimate_command(app);
  add_exec_command(app);
  add_ir_command(app);
  add_noc_command(app);
  add_simulate_command(app);
  add_sweep_command(app);
  add_plot_command(app);
  add_inspect_command(app);
  add_dram_command(app);
  Commands commands;
  commands.run_default = add_run_command(app);
  return commands;
}

}  // namespace neurokv::cli
