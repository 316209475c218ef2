#pragma once
// Encodes a weights file (.nkw) as docs/ir.md specifies: header, directory, then every tile's packed bytes.
#include <string>

#include "compiler/weights/weights_file.hpp"

namespace neurokv::weights {

// The file's bytes. Tile offsets, sizes and checksums are computed here; those in `file` are ignored.
std::string encode_weights_file(const WeightsFile& file);

}  // namespace neurokv::weights
