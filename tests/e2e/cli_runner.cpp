#include "tests/e2e/cli_runner.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

extern char** environ;

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

pid_t start_command(const std::vector<std::string>& args, const std::string& stderr_path) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int failed = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return failed ? -1 : pid;
}

pid_t start_cli(const std::vector<std::string>& args, const std::string& stderr_path) {
  std::vector<std::string> command{NEUROKV_BINARY};
  command.insert(command.end(), args.begin(), args.end());
  return start_command(command, stderr_path);
}

int wait_cli(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace neurokv::test
