#pragma once
// Whole-file reads and crash-safe whole-file writes: the one place the libraries and the CLI touch files by
// path.
#include <cstddef>
#include <string>

namespace neurokv {

// Files above this are refused rather than read into memory (a .nkir of a 1,024-layer model is far smaller).
constexpr std::size_t kMaxInputFileBytes = std::size_t{1} << 30;

// Reads a whole file. A missing file, a directory or a file above `max_bytes` is an InputError naming the
// path and `what` was expected ("a YAML file", "a .nkir program").
std::string read_whole_file(const std::string& path, const std::string& what = "a readable file",
                            std::size_t max_bytes = kMaxInputFileBytes);

// Writes to a unique temporary name beside `path`, syncs it, then renames it into place: an interrupted run
// never leaves a truncated file under the final name, and an existing file is replaced whole or not at all.
// A directory or an unwritable place is an InputError; a disk that refuses the bytes is a RunError.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace neurokv
