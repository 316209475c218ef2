#pragma once
// A compiled program's weights file (.nkw, docs/ir.md "Weights file"): per op with weights, its tensor
// quantised to the program's weight width, cut into the op's tiles as partition placed them, so a loader can
// stream one tile's bytes to its NP. This is the file's content in memory; weights_writer / weights_reader
// convert it.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/weights/quantized_tensor.hpp"

namespace neurokv::weights {

// PNG's trick: a non-ASCII first byte and CR LF / SUB / LF catch text-mode transfers and `cat`-ed files.
constexpr char kMagic[8] = {'\x89', 'N', 'K', 'W', '\r', '\n', '\x1a', '\n'};
constexpr uint32_t kFormatVersion = 1;

struct WeightTile {
  int64_t out_begin = 0, out_end = 0;  // the output channels it holds, as the .nkir tile's `out`
  uint64_t offset = 0;                 // of its bytes from the start of the file
  uint64_t bytes = 0;                  // = the .nkir tile's weight_bytes
  uint32_t crc32 = 0;                  // tile_checksum of its bytes
};

struct OpWeightsRecord {
  std::string name;  // the .nkir op
  QuantizedTensor tensor;
  std::vector<WeightTile> tiles;
};

struct WeightsFile {
  std::vector<OpWeightsRecord> ops;  // in the program's op order
};

// Bytes of a tile holding channels [begin, end): each channel's `in` codes, then its bias code, bit-packed
// back to back (partition's count: ⌈channels × (in + bias) × bits / 8⌉).
uint64_t tile_bytes(const QuantizedTensor& tensor, int64_t out_begin, int64_t out_end);

// CRC-32 (the zlib / PNG polynomial, via Boost.CRC) of a tile's bytes.
uint32_t tile_checksum(const char* data, uint64_t size);

// The weights file beside a program: OUT.nkir → OUT.nkw (a path without extension gains one).
std::string weights_path_for(const std::string& program_path);

}  // namespace neurokv::weights
