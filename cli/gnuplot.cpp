#include "cli/gnuplot.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "cli/diagnostics.hpp"

namespace neurokv::cli {

bool run_gnuplot(const std::string& dir, const std::vector<std::string>& scripts) {
  for (const std::string& script : scripts) {
    const pid_t child = fork();
    if (child == 0) {
      if (chdir(dir.c_str()) == 0) execlp("gnuplot", "gnuplot", script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      const bool missing = child > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127;
      print_diagnostic(Diagnostic::warning(fmt::format(
          "{} ({}/{}); the data and scripts are in {}",
          missing ? "gnuplot is not installed, no plots drawn" : "gnuplot failed", dir, script, dir)));
      return false;
    }
  }
  return true;
}

}  // namespace neurokv::cli
