#pragma once
// The text fmt writes for a number ("{}"), remembered per column: a sweep's rows repeat most of their numbers
// (points that share a program differ only in their priced figures), and printing a double was most of the
// time a row took to make.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace neurokv {

class NumberText {
 public:
  explicit NumberText(std::size_t columns) : columns_(columns) {}
  // fmt::to_string(x) for a value of column `column`.
  std::string number(std::size_t column, double x);
  std::string integer(std::size_t column, int64_t x);

 private:
  template <typename Number>
  std::string print(std::size_t column, Number x, uint8_t kind);

  struct Slot {
    uint64_t bits = 0;  // the value's bits (a double's: -0.0 prints apart from 0.0)
    uint8_t kind = 0;   // 0: empty, 1: a double, 2: an integer
    uint8_t size = 0;
    std::array<char, 22> text{};  // longer texts are printed each time
  };
  static constexpr int kSlotBits = 6;  // 64 slots per column, chosen by the value's bits
  std::vector<std::array<Slot, std::size_t{1} << kSlotBits>> columns_;
};

}  // namespace neurokv
