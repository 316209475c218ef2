#pragma once
// Reads a weights file (.nkw). It trusts nothing in the file: every count, size and offset is checked against
// the file before use, and every tile against its checksum.
#include <string>

#include "compiler/weights/weights_file.hpp"

namespace neurokv::weights {

// Throws InputError "file: offset N: what is wrong, expected what" for a truncated, corrupted or foreign
// file.
WeightsFile decode_weights_file(const std::string& bytes, const std::string& file);
WeightsFile load_weights_file(const std::string& path);

}  // namespace neurokv::weights
