#pragma once
// Little-endian integers and IEEE-754 floats in byte strings, whatever the host's byte order.
#include <cstdint>
#include <cstring>
#include <string>

namespace neurokv::weights {

template <typename Unsigned>
void put_le(std::string& out, Unsigned value) {
  for (std::size_t i = 0; i < sizeof(Unsigned); ++i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

inline void put_le_float(std::string& out, float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  put_le(out, bits);
}

// `data` holds at least sizeof(Unsigned) bytes.
template <typename Unsigned>
Unsigned get_le(const char* data) {
  Unsigned value = 0;
  for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
    value |= static_cast<Unsigned>(static_cast<unsigned char>(data[i])) << (8 * i);
  }
  return value;
}

inline float get_le_float(const char* data) {
  const uint32_t bits = get_le<uint32_t>(data);
  float value = 0;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

}  // namespace neurokv::weights
