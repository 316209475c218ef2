#include "compiler/weights/weights_reader.hpp"

#include <fmt/format.h>

#include <cmath>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "compiler/weights/bit_packing.hpp"
#include "compiler/weights/little_endian.hpp"

namespace neurokv::weights {
namespace {

constexpr uint32_t kMaxOps = 10'000'000;
constexpr uint32_t kMaxActivationScales = 100'000'000;  // a program's ops: bounded by the file's size too
constexpr uint32_t kMaxDimension = 1u << 30;
// Weights outgrow programs: paper-1.2b at 8 bits is 1.2 GB.
constexpr std::size_t kMaxWeightsFileBytes = std::size_t{1} << 36;

class Reader {
 public:
  Reader(const std::string& bytes, const std::string& file) : bytes_(bytes), file_(file) {}

  [[noreturn]] void fail(uint64_t offset, const std::string& what) const {
    throw InputError(fmt::format("{}: offset {}: {}", file_, offset, what));
  }
  uint64_t offset() const { return offset_; }
  const char* take(uint64_t count, const char* what) {
    if (bytes_.size() - offset_ < count) {
      fail(offset_, fmt::format("the file ends in {}, expected {} more bytes (truncated?)", what, count));
    }
    const char* at = bytes_.data() + offset_;
    offset_ += count;
    return at;
  }
  template <typename Unsigned>
  Unsigned number(const char* what) {
    return get_le<Unsigned>(take(sizeof(Unsigned), what));
  }
  float scale(const std::string& what) {
    const uint64_t at = offset_;
    const float value = get_le_float(take(4, what.c_str()));
    if (!std::isfinite(value) || value < 0)
      fail(at, fmt::format("{} {}, expected a finite scale >= 0", what, value));
    return value;
  }
  uint32_t bounded(const char* what, uint32_t low, uint32_t high) {
    const uint64_t at = offset_;
    const uint32_t value = number<uint32_t>(what);
    if (value < low || value > high)
      fail(at, fmt::format("{} {}, expected {} to {}", what, value, low, high));
    return value;
  }

 private:
  const std::string& bytes_;
  const std::string& file_;
  uint64_t offset_ = 0;
};

uint32_t read_header(Reader& r) {
  if (std::string(r.take(sizeof kMagic, "the magic number"), sizeof kMagic) !=
      std::string(kMagic, sizeof kMagic)) {
    r.fail(0, "not a neurokv weights file, expected the .nkw magic number");
  }
  const uint64_t at = r.offset();
  const uint32_t version = r.number<uint32_t>("the version");
  if (version < kOldestFormatVersion || version > kFormatVersion) {
    r.fail(at, fmt::format("version {} is not supported, expected {} to {}", version, kOldestFormatVersion,
                           kFormatVersion));
  }
  return version;
}

std::string read_name(Reader& r, const char* length, const char* what) {
  const uint16_t size = r.number<uint16_t>(length);
  return std::string(r.take(size, what), size);
}

// Version 2's activation scales (docs/ir.md): method 0 stores none, and then nothing else.
std::optional<ActivationCalibration> read_activation_scales(Reader& r) {
  const uint64_t at = r.offset();
  const uint8_t method = r.number<uint8_t>("the activation scales' method");
  if (method > static_cast<uint8_t>(CalibrationMethod::Max)) {
    r.fail(at, fmt::format("activation scales' method {}, expected 0 (none) or 1 (max calibration)", method));
  }
  ActivationCalibration activations;
  activations.method = static_cast<CalibrationMethod>(method);
  activations.source = read_name(r, "the calibration source's length", "the calibration source");
  const uint64_t count_at = r.offset();
  const uint32_t count = r.bounded("the activation scale count", 0, kMaxActivationScales);
  if (method == 0) {
    if (count != 0 || !activations.source.empty()) {
      r.fail(at, fmt::format("activation scales' method 0 (none) with {} scales and a source of {} bytes, "
                             "expected neither",
                             count, activations.source.size()));
    }
    return std::nullopt;
  }
  if (count == 0) r.fail(count_at, "activation scale count 0 with method 1, expected at least one");
  for (uint32_t i = 0; i < count; ++i) {
    ActivationScale scale;
    scale.op = read_name(r, "an activation scale's op name length", "an activation scale's op name");
    scale.max_abs = r.scale(fmt::format("op '{}': activation scale", scale.op));
    activations.ops.push_back(std::move(scale));
  }
  return activations;
}

QuantizedTensor read_tensor_header(Reader& r) {
  QuantizedTensor t;
  t.out = r.bounded("out", 1, kMaxDimension);
  t.in = r.bounded("in", 1, kMaxDimension);
  const uint64_t at = r.offset();
  t.bits = r.number<uint8_t>("bits");
  if (t.bits < kMinBits || t.bits > kMaxBits)
    r.fail(at, fmt::format("bits {}, expected {} to {}", t.bits, kMinBits, kMaxBits));
  const uint8_t bias = r.number<uint8_t>("the bias flag");
  if (bias > 1) r.fail(at + 1, fmt::format("bias flag {}, expected 0 or 1", bias));
  t.has_bias = bias == 1;
  // No reserve from the counts: each read is bounded by the file, so a forged count fails at its end.
  for (int64_t o = 0; o < t.out; ++o) t.scales.push_back(r.scale("a channel scale"));
  if (t.has_bias) t.bias_scale = r.scale("the bias scale");
  return t;
}

// Tiles partition [0, out) in order, as the program's tiles do.
std::vector<WeightTile> read_tiles(Reader& r, int64_t out) {
  const uint32_t count = r.bounded("the tile count", 1, static_cast<uint32_t>(out));
  std::vector<WeightTile> tiles;
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t at = r.offset();
    WeightTile tile;
    tile.out_begin = r.number<uint32_t>("a tile's first channel");
    tile.out_end = r.number<uint32_t>("a tile's end channel");
    const int64_t begin = tiles.empty() ? 0 : tiles.back().out_end;
    const int64_t end = i + 1 == count ? out : tile.out_end;
    if (tile.out_begin != begin || tile.out_end <= tile.out_begin || tile.out_end != end ||
        tile.out_end > out) {
      r.fail(at, fmt::format("tile {} holds channels {}..{}, expected the tiles to partition 0..{} in order",
                             i, tile.out_begin, tile.out_end, out));
    }
    tile.offset = r.number<uint64_t>("a tile's offset");
    tile.bytes = r.number<uint64_t>("a tile's size");
    tile.crc32 = r.number<uint32_t>("a tile's checksum");
    tiles.push_back(tile);
  }
  return tiles;
}

OpWeightsRecord read_entry(Reader& r) {
  OpWeightsRecord op;
  op.name = read_name(r, "an op name's length", "an op name");
  op.tensor = read_tensor_header(r);
  op.tiles = read_tiles(r, op.tensor.out);
  return op;
}

// Tiles lie back to back after the directory, in directory order, each of the size its channels need and
// with its checksum; the file ends with the last one. Checked before any tensor is allocated, so the codes
// are bounded by the file's size.
void check_tile_layout(const Reader& r, const std::string& bytes, const WeightsFile& file) {
  uint64_t next = r.offset();
  for (const OpWeightsRecord& op : file.ops) {
    for (std::size_t i = 0; i < op.tiles.size(); ++i) {
      const WeightTile& tile = op.tiles[i];
      const std::string where = fmt::format("op '{}' tile {}", op.name, i);
      const uint64_t expected = tile_bytes(op.tensor, tile.out_begin, tile.out_end);
      if (tile.offset != next)
        r.fail(tile.offset, fmt::format("{} starts here, expected offset {}", where, next));
      if (tile.bytes != expected)
        r.fail(tile.offset, fmt::format("{} has {} bytes, expected {}", where, tile.bytes, expected));
      if (bytes.size() - tile.offset < tile.bytes) {
        r.fail(bytes.size(),
               fmt::format("the file ends inside {}, expected {} bytes from offset {} (truncated?)", where,
                           tile.bytes, tile.offset));
      }
      const uint32_t crc = tile_checksum(bytes.data() + tile.offset, tile.bytes);
      if (crc != tile.crc32) {
        r.fail(tile.offset,
               fmt::format("{}: checksum {:08x}, expected {:08x} (corrupted)", where, crc, tile.crc32));
      }
      next += tile.bytes;
    }
  }
  if (next != bytes.size())
    r.fail(next,
           fmt::format("{} bytes follow the last tile, expected the end of the file", bytes.size() - next));
}

void unpack_tiles(const Reader& r, const std::string& bytes, OpWeightsRecord& op) {
  QuantizedTensor& t = op.tensor;
  t.codes.resize(static_cast<std::size_t>(t.out * t.in));
  if (t.has_bias) t.bias_codes.resize(static_cast<std::size_t>(t.out));
  const int lowest = -max_code(t.bits);
  for (const WeightTile& tile : op.tiles) {
    BitUnpacker unpacker(bytes.data() + tile.offset, t.bits);
    const auto code = [&] {
      const uint64_t bit = unpacker.position();
      const int q = unpacker.next();
      if (q < lowest) {
        r.fail(tile.offset + bit / 8, fmt::format("op '{}': code {} outside the symmetric range {}..{}",
                                                  op.name, q, lowest, -lowest));
      }
      return static_cast<int8_t>(q);
    };
    for (int64_t o = tile.out_begin; o < tile.out_end; ++o) {
      for (int64_t i = 0; i < t.in; ++i) t.codes[static_cast<std::size_t>(o * t.in + i)] = code();
      if (t.has_bias) t.bias_codes[static_cast<std::size_t>(o)] = code();
    }
  }
}

}  // namespace

WeightsFile decode_weights_file(const std::string& bytes, const std::string& file) {
  Reader r(bytes, file);
  WeightsFile out;
  out.version = read_header(r);
  const uint32_t count = r.bounded("the op count", 0, kMaxOps);
  for (uint32_t i = 0; i < count; ++i) out.ops.push_back(read_entry(r));
  if (out.version >= 2) out.activations = read_activation_scales(r);
  check_tile_layout(r, bytes, out);
  for (OpWeightsRecord& op : out.ops) unpack_tiles(r, bytes, op);
  return out;
}

WeightsFile load_weights_file(const std::string& path) {
  return decode_weights_file(read_whole_file(path, "a readable .nkw weights file", kMaxWeightsFileBytes),
                             path);
}

}  // namespace neurokv::weights
