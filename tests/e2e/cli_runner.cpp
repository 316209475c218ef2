#include "tests/e2e/cli_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace neurokv::test {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

}  // namespace

// Captures stdout, and stderr through a temporary file.
CliResult run_command_line(const std::string& command_line) {
  char err_path[] = "/tmp/neurokv-cli-XXXXXX";
  const int fd = mkstemp(err_path);
  close(fd);
  const std::string command = "{ " + command_line + "; } 2>" + err_path;
  CliResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 65536> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream err(err_path);
  std::ostringstream text;
  text << err.rdbuf();
  result.err = text.str();
  std::remove(err_path);
  return result;
}

CliResult run_cli(const std::string& args) {
  return run_command_line(std::string(NEUROKV_BINARY) + " " + args);
}

CliResult run_cli_bounded(const std::string& args, const std::string& cwd, int seconds, int megabytes) {
  std::string limits = "--core=0";
  if (!kAddressSanitizer) limits += " --as=" + std::to_string(int64_t{megabytes} << 20);
  return run_command_line("cd '" + cwd + "' && timeout -s KILL " + std::to_string(seconds) + " prlimit " +
                          limits + " -- " + NEUROKV_BINARY + " " + args);
}

}  // namespace neurokv::test
