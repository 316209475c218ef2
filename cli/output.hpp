#pragma once
#include <string>

namespace neurokv::cli {

// Writes `text` to `path` ("-" is stdout); a file goes through write_file_atomically
// (compiler/support/whole_file.hpp).
void write_output(const std::string& path, const std::string& text);

}  // namespace neurokv::cli
