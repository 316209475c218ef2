#pragma once
// A KV buffer's cached rows as integer codes of the buffer's width, as integer numerics stream them per token
// (docs/executor.md "Numerics", "KV rows").
#include <cstddef>
#include <cstdint>
#include <vector>

namespace neurokv::functional {

// Repeats the last of `rows`' rows of `row` elements until there are `positions` rows (Session::pad_cache).
template <typename T>
void repeat_last(std::vector<T>& rows, std::size_t row, int positions) {
  const std::vector<T> last(rows.end() - static_cast<std::ptrdiff_t>(row), rows.end());
  while (rows.size() < row * static_cast<std::size_t>(positions))
    rows.insert(rows.end(), last.begin(), last.end());
}

// int8 when the buffer is 8 bits or narrower, else int16. The attention streams every cached row per token,
// so the narrower element halves the bytes it reads; the codes, and so the sums, are the same.
class CachedCodes {
 public:
  explicit CachedCodes(int bits = 16) : narrow_(bits <= 8) {}
  bool narrow() const { return narrow_; }
  const int8_t* narrow_rows() const { return narrow_rows_.data(); }
  const int16_t* wide_rows() const { return wide_rows_.data(); }
  // Appends codes of the buffer's width (int16 holds every width integer numerics run).
  void append(const std::vector<int16_t>& codes);
  // Codes [begin, begin + count) as int16 (what int_rope takes), written to `out`.
  void widened(int64_t begin, int64_t count, int16_t* out) const;
  // Keeps the first `count` codes.
  void resize(std::size_t count);
  // Repeats the last row of `row` codes until there are `positions` rows (Session::pad_cache).
  void repeat_last(std::size_t row, int positions);

 private:
  bool narrow_;
  std::vector<int8_t> narrow_rows_;
  std::vector<int16_t> wide_rows_;
};

}  // namespace neurokv::functional
