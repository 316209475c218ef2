#pragma once
// Runs the built `neurokv` binary with a shell-quoted argument string and captures what it did.
#include <sys/types.h>

#include <string>
#include <vector>

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

// Starts `args` (no shell; args[0] is found on PATH) and returns at once: stdout goes to /dev/null, stderr to
// `stderr_path`. For a test that signals the run while it works; -1 if it could not start.
pid_t start_command(const std::vector<std::string>& args, const std::string& stderr_path);
// The same for the built binary with `args`.
pid_t start_cli(const std::vector<std::string>& args, const std::string& stderr_path);
// Waits for a started run: its exit code, or 128 + the signal that ended it.
int wait_cli(pid_t pid);

}  // namespace neurokv::test
