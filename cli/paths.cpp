#include "cli/paths.hpp"

#include <cstdlib>

namespace neurokv::cli {

std::string data_dir(const std::string& subdir) {
  const char* home = std::getenv("NEUROKV_HOME");
  return std::string(home && *home ? home : NEUROKV_SOURCE_DIR) + "/" + subdir;
}

}  // namespace neurokv::cli
