#include "compiler/weights/weights_writer.hpp"

#include "compiler/weights/bit_packing.hpp"
#include "compiler/weights/little_endian.hpp"

namespace neurokv::weights {
namespace {

std::string pack_tile(const QuantizedTensor& t, int64_t out_begin, int64_t out_end) {
  BitPacker packer(t.bits);
  for (int64_t o = out_begin; o < out_end; ++o) {
    for (int64_t i = 0; i < t.in; ++i) packer.put(t.codes[static_cast<std::size_t>(o * t.in + i)]);
    if (t.has_bias) packer.put(t.bias_codes[static_cast<std::size_t>(o)]);
  }
  return packer.finish();
}

void put_name(std::string& out, const std::string& name) {
  put_le(out, static_cast<uint16_t>(name.size()));
  out += name;
}

// Version 2's activation scales: the method (0: none stored), what they were calibrated on, one per op.
void put_activation_scales(std::string& out, const std::optional<ActivationCalibration>& activations) {
  if (!activations) {
    put_le(out, uint8_t{0});
    put_le(out, uint16_t{0});
    put_le(out, uint32_t{0});
    return;
  }
  put_le(out, static_cast<uint8_t>(activations->method));
  put_name(out, activations->source);
  put_le(out, static_cast<uint32_t>(activations->ops.size()));
  for (const ActivationScale& scale : activations->ops) {
    put_name(out, scale.op);
    put_le_float(out, scale.max_abs);
  }
}

// The directory: the header, every op's entry and the activation scales. `data` holds each tile's bytes in
// order; tiles are placed back to back from `data_start`.
std::string directory(const WeightsFile& file, const std::vector<std::string>& data, uint64_t data_start) {
  std::string out(kMagic, sizeof kMagic);
  put_le(out, kFormatVersion);
  put_le(out, static_cast<uint32_t>(file.ops.size()));
  uint64_t offset = data_start;
  std::size_t next = 0;
  for (const OpWeightsRecord& op : file.ops) {
    const QuantizedTensor& t = op.tensor;
    put_name(out, op.name);
    put_le(out, static_cast<uint32_t>(t.out));
    put_le(out, static_cast<uint32_t>(t.in));
    put_le(out, static_cast<uint8_t>(t.bits));
    put_le(out, static_cast<uint8_t>(t.has_bias ? 1 : 0));
    for (float scale : t.scales) put_le_float(out, scale);
    if (t.has_bias) put_le_float(out, t.bias_scale);
    put_le(out, static_cast<uint32_t>(op.tiles.size()));
    for (const WeightTile& tile : op.tiles) {
      const std::string& bytes = data[next++];
      put_le(out, static_cast<uint32_t>(tile.out_begin));
      put_le(out, static_cast<uint32_t>(tile.out_end));
      put_le(out, offset);
      put_le(out, static_cast<uint64_t>(bytes.size()));
      put_le(out, tile_checksum(bytes.data(), bytes.size()));
      offset += bytes.size();
    }
  }
  put_activation_scales(out, file.activations);
  return out;
}

}  // namespace

std::string encode_weights_file(const WeightsFile& file) {
  std::vector<std::string> data;
  for (const OpWeightsRecord& op : file.ops) {
    for (const WeightTile& tile : op.tiles)
      data.push_back(pack_tile(op.tensor, tile.out_begin, tile.out_end));
  }
  // The directory's size does not depend on the offsets in it: measure it, then write it for real.
  const uint64_t data_start = directory(file, data, 0).size();
  std::string out = directory(file, data, data_start);
  for (const std::string& bytes : data) out += bytes;
  return out;
}

}  // namespace neurokv::weights
