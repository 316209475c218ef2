#include "compiler/weights/bit_packing.hpp"

namespace neurokv::weights {

void BitPacker::put(int code) {
  const uint64_t field =
      bits_ == 1 ? (code > 0 ? 1u : 0u) : static_cast<uint64_t>(code) & ((uint64_t{1} << bits_) - 1);
  pending_ |= field << pending_bits_;
  pending_bits_ += bits_;
  while (pending_bits_ >= 8) {
    bytes_.push_back(static_cast<char>(pending_ & 0xff));
    pending_ >>= 8;
    pending_bits_ -= 8;
  }
}

std::string BitPacker::finish() {
  if (pending_bits_ > 0) bytes_.push_back(static_cast<char>(pending_ & 0xff));
  pending_ = 0;
  pending_bits_ = 0;
  return std::move(bytes_);
}

int BitUnpacker::next() {
  uint32_t field = 0;
  for (int b = 0; b < bits_; ++b, ++position_) {
    const auto byte = static_cast<unsigned char>(data_[position_ / 8]);
    field |= static_cast<uint32_t>((byte >> (position_ % 8)) & 1u) << b;
  }
  if (bits_ == 1) return field ? 1 : -1;
  const uint32_t sign = uint32_t{1} << (bits_ - 1);
  return static_cast<int>(field ^ sign) - static_cast<int>(sign);  // sign-extend two's complement
}

}  // namespace neurokv::weights
