#include "tests/e2e/cli_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace neurokv::test {

CliResult run_cli(const std::string& args) {
  char err_path[] = "/tmp/neurokv-cli-XXXXXX";
  const int fd = mkstemp(err_path);
  close(fd);
  const std::string command = std::string(NEUROKV_BINARY) + " " + args + " 2>" + err_path;
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

}  // namespace neurokv::test
