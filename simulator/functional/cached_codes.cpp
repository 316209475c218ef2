#include "simulator/functional/cached_codes.hpp"

#include <algorithm>

namespace neurokv::functional {

void CachedCodes::append(const std::vector<int16_t>& codes) {
  if (narrow_) {
    narrow_rows_.insert(narrow_rows_.end(), codes.begin(), codes.end());  // |code| <= 127: exact
  } else {
    wide_rows_.insert(wide_rows_.end(), codes.begin(), codes.end());
  }
}

void CachedCodes::widened(int64_t begin, int64_t count, int16_t* out) const {
  if (narrow_) {
    std::copy(narrow_rows_.begin() + begin, narrow_rows_.begin() + begin + count, out);
  } else {
    std::copy(wide_rows_.begin() + begin, wide_rows_.begin() + begin + count, out);
  }
}

void CachedCodes::resize(std::size_t count) {
  narrow_rows_.resize(std::min(narrow_rows_.size(), count));
  wide_rows_.resize(std::min(wide_rows_.size(), count));
}

void CachedCodes::repeat_last(std::size_t row, int positions) {
  if (narrow_) {
    functional::repeat_last(narrow_rows_, row, positions);
  } else {
    functional::repeat_last(wide_rows_, row, positions);
  }
}

}  // namespace neurokv::functional
