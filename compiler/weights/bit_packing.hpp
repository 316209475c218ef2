#pragma once
// Signed codes of b bits (1..8) packed into bytes, LSB first: code i takes bits [i·b, (i+1)·b) of the stream,
// and stream bit k is bit k % 8 of byte k / 8. b ≥ 2 stores two's complement; b = 1 stores the sign alone
// (1 = +1, 0 = −1). The last byte is padded with zero bits.
#include <cstdint>
#include <string>

namespace neurokv::weights {

class BitPacker {
 public:
  explicit BitPacker(int bits) : bits_(bits) {}
  void put(int code);
  // The packed bytes, the last one padded.
  std::string finish();

 private:
  int bits_;
  std::string bytes_;
  uint64_t pending_ = 0;  // bits not yet a whole byte
  int pending_bits_ = 0;
};

class BitUnpacker {
 public:
  // `data` holds at least the bits that will be read: the caller sizes it first.
  BitUnpacker(const char* data, int bits) : data_(data), bits_(bits) {}
  // The next code, b ≥ 2 sign-extended, b = 1 as ±1.
  int next();
  // Bits consumed so far.
  uint64_t position() const { return position_; }

 private:
  const char* data_;
  int bits_;
  uint64_t position_ = 0;
};

}  // namespace neurokv::weights
