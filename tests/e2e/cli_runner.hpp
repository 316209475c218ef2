#pragma once
// Runs the built `neurokv` binary with a shell-quoted argument string and captures what it did.
#include <string>

namespace neurokv::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Any shell command line (quote its arguments), e.g. `diff -u A B`.
CliResult run_command_line(const std::string& command_line);

// `args` is appended to the binary's path as given (quote it for the shell).
CliResult run_cli(const std::string& args);

// The same from directory `cwd`, killed after `seconds`, with at most `megabytes` of address space (not
// under AddressSanitizer, whose shadow memory reserves terabytes) and no core file.
CliResult run_cli_bounded(const std::string& args, const std::string& cwd, int seconds, int megabytes);

}  // namespace neurokv::test
