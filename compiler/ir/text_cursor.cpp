#include "compiler/ir/text_cursor.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"

namespace neurokv::ir {
namespace {
constexpr std::size_t kShownWordBytes = 40;

bool is_space(char c) { return c == ' ' || c == '\t'; }
}  // namespace

LineCursor::LineCursor(std::string_view text, const std::string& file, int line)
    : text_(text), file_(file), line_(line) {}

bool LineCursor::at_value_end() const { return at_line_end() || is_space(peek()) || peek() == '#'; }

bool LineCursor::done() {
  take_while(is_space);
  return at_line_end() || peek() == '#';
}

bool LineCursor::accept(char c) {
  if (peek() != c || at_line_end()) return false;
  ++pos_;
  return true;
}

std::string LineCursor::word_at(int column) const {
  const std::size_t start = static_cast<std::size_t>(column - 1);
  std::size_t stop = start;
  while (stop < text_.size() && !is_space(text_[stop])) ++stop;
  if (stop - start > kShownWordBytes) return std::string(text_.substr(start, kShownWordBytes)) + "...";
  return std::string(text_.substr(start, stop - start));
}

void LineCursor::fail(const std::string& message) const { fail_at(column(), message); }

void LineCursor::fail_at(int column, const std::string& message) const {
  throw InputError(fmt::format("{}:{}:{}: {}", file_, line_, column, message));
}

}  // namespace neurokv::ir
