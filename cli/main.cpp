// The `neurokv` command: subcommands only; every decision lives in the libraries. This is the one place that
// prints errors and picks exit codes: 0 ok, 1 failed run, 2 bad input, 128 + signal when interrupted.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "cli/commands/commands.hpp"
#include "cli/flag_suggestion.hpp"
#include "cli/interrupt.hpp"
#include "cli/message.hpp"
#include "compiler/support/error.hpp"

int main(int argc, char** argv) {
  // SystemC prints a banner when its kernel starts; keep stdout clean for `--json -`.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  neurokv::cli::exit_on_interrupt();

  CLI::App app{
      "neurokv: what each transformer attention variant costs on an event-driven, Akida-like chip.\n"
      "With no subcommand: compares all eight variants of paper-300m on the default chip."};
  app.set_version_flag("--version", "neurokv " NEUROKV_VERSION);
  neurokv::cli::Commands commands = neurokv::cli::register_commands(app);
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) commands.run_default();
    // A table or `--json -` that did not reach stdout (a full disk, /dev/full) is a failed run.
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      fmt::print(stderr, "neurokv: run failed: stdout: writing failed ({})\n", std::strerror(errno));
      return 1;
    }
    return 0;
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's message names the flag; one line, like every other error (app.exit would add a second).
    fmt::print(stderr, "neurokv: error: {}{} (see --help)\n", neurokv::cli::printable_line(e.what()),
               neurokv::cli::printable_line(neurokv::cli::flag_suggestion(app)));
    return 2;
  } catch (const neurokv::cli::Interrupted& e) {
    fmt::print(stderr, "neurokv: {}\n", neurokv::cli::printable_line(e.what()));
    return 128 + e.signal();
  } catch (const neurokv::InputError& e) {
    // A file with several problems reports each on its own line.
    neurokv::cli::print_lines(stderr, "neurokv: error: ", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "neurokv: run failed: {}\n", neurokv::cli::printable_line(e.what()));
    return 1;
  }
}
