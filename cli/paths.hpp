#pragma once
#include <string>

namespace neurokv::cli {

// Where the shipped models/ and hwconfigs/ live: $NEUROKV_HOME if set, else the source tree neurokv was built
// from.
std::string data_dir(const std::string& subdir);

}  // namespace neurokv::cli
