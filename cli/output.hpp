#pragma once
#include <string>

namespace neurokv::cli {

// Writes `text` to `path` ("-" is stdout). A file is written to a temporary name beside it and renamed into
// place, so an interrupted run never leaves a truncated file under the final name.
void write_output(const std::string& path, const std::string& text);

}  // namespace neurokv::cli
