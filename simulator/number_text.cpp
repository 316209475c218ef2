#include "simulator/number_text.hpp"

#include <fmt/format.h>

#include <cstring>

namespace neurokv {

template <typename Number>
std::string NumberText::print(std::size_t column, Number x, uint8_t kind) {
  static_assert(sizeof x == sizeof(uint64_t));
  uint64_t bits = 0;
  std::memcpy(&bits, &x, sizeof x);
  // Fibonacci hashing: the top bits of the product mix every bit of the value.
  Slot& slot = columns_[column][(bits * 0x9E3779B97F4A7C15ULL) >> (64 - kSlotBits)];
  if (slot.kind == kind && slot.bits == bits) return std::string(slot.text.data(), slot.size);
  std::string text = fmt::to_string(x);
  if (text.size() <= slot.text.size()) {
    slot.bits = bits;
    slot.kind = kind;
    slot.size = static_cast<uint8_t>(text.size());
    std::memcpy(slot.text.data(), text.data(), text.size());
  }
  return text;
}

std::string NumberText::number(std::size_t column, double x) { return print(column, x, 1); }

std::string NumberText::integer(std::size_t column, int64_t x) { return print(column, x, 2); }

}  // namespace neurokv
