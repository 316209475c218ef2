#pragma once
// A compiled program's weights file (.nkw, docs/ir.md "Weights file"): per op with weights, its tensor
// quantised to the program's weight width, cut into the op's tiles as partition placed them, so a loader can
// stream one tile's bytes to its NP. This is the file's content in memory; weights_writer / weights_reader
// convert it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/weights/quantized_tensor.hpp"

namespace neurokv::weights {

// PNG's trick: a non-ASCII first byte and CR LF / SUB / LF catch text-mode transfers and `cat`-ed files.
constexpr char kMagic[8] = {'\x89', 'N', 'K', 'W', '\r', '\n', '\x1a', '\n'};
// Version 2 added the activation scales (ActivationCalibration); version 1 files, which have none, still
// read.
constexpr uint32_t kFormatVersion = 2;
constexpr uint32_t kOldestFormatVersion = 1;

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

// How the activation scales were calibrated. The only method so far: the largest |output| of each op over a
// float run of the sample (max calibration, docs/executor.md).
enum class CalibrationMethod : uint8_t { Max = 1 };

// One op's calibrated activation range: with the program's activation width it sets the op's output step,
// max_abs / (2^(bits−1) − 1). Keyed by the .nkir op's name.
struct ActivationScale {
  std::string op;
  float max_abs = 0;
  bool operator==(const ActivationScale& other) const { return op == other.op && max_abs == other.max_abs; }
};

// Integer execution's activation scales, calibrated on sample input when the program was compiled: one per
// program op, in program order (0 for an op whose output is not an activation).
struct ActivationCalibration {
  CalibrationMethod method = CalibrationMethod::Max;
  std::string source;  // what they were calibrated on, e.g. "calibration.txt (4096 tokens)"
  std::vector<ActivationScale> ops;
};

struct WeightsFile {
  std::vector<OpWeightsRecord> ops;                  // in the program's op order
  std::optional<ActivationCalibration> activations;  // none: a version-1 file, or compiled uncalibrated
  uint32_t version = kFormatVersion;                 // as read (the writer writes kFormatVersion)
};

// Bytes of a tile holding channels [begin, end): each channel's `in` codes, then its bias code, bit-packed
// back to back (partition's count: ⌈channels × (in + bias) × bits / 8⌉).
uint64_t tile_bytes(const QuantizedTensor& tensor, int64_t out_begin, int64_t out_end);

// CRC-32 (the zlib / PNG polynomial, via Boost.CRC) of a tile's bytes.
uint32_t tile_checksum(const char* data, uint64_t size);

// The weights file beside a program: OUT.nkir → OUT.nkw (a path without extension gains one).
std::string weights_path_for(const std::string& program_path);

}  // namespace neurokv::weights
