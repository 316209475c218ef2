#include "cli/output.hpp"

#include <cstdio>

#include "compiler/support/whole_file.hpp"

namespace neurokv::cli {

void write_output(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return;
  }
  write_file_atomically(path, text);
}

}  // namespace neurokv::cli
