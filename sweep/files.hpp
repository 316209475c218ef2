#pragma once
// Whole-file reads and crash-safe whole-file writes for sweep outputs.
#include <string>

namespace neurokv::sweep {

// Throws InputError naming the path when it cannot be read.
std::string read_text_file(const std::string& path);

// Writes to a temporary name beside `path`, then renames it into place: a crash never leaves a truncated file
// under the final name. Throws RunError when the disk refuses.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace neurokv::sweep
