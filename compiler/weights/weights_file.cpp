#include "compiler/weights/weights_file.hpp"

#include <boost/crc.hpp>
#include <filesystem>

namespace neurokv::weights {

uint64_t tile_bytes(const QuantizedTensor& tensor, int64_t out_begin, int64_t out_end) {
  const auto channel_bits = static_cast<uint64_t>((tensor.in + (tensor.has_bias ? 1 : 0)) * tensor.bits);
  return (static_cast<uint64_t>(out_end - out_begin) * channel_bits + 7) / 8;
}

std::string weights_path_for(const std::string& program_path) {
  return std::filesystem::path(program_path).replace_extension(".nkw").string();
}

uint32_t tile_checksum(const char* data, uint64_t size) {
  boost::crc_32_type crc;
  crc.process_bytes(data, static_cast<std::size_t>(size));
  return crc.checksum();
}

}  // namespace neurokv::weights
