#pragma once
// A read position inside one line of a .nkir file. Every parse error goes through here, so each one names
// "file:line:col:" and what was expected.
#include <string>
#include <string_view>

namespace neurokv::ir {

class LineCursor {
 public:
  LineCursor(std::string_view text, const std::string& file, int line);

  int column() const { return static_cast<int>(pos_) + 1; }  // 1-based, in bytes
  const char* pos() const { return text_.data() + pos_; }
  const char* end() const { return text_.data() + text_.size(); }
  void advance(std::size_t bytes) { pos_ += bytes; }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool at_line_end() const { return pos_ >= text_.size(); }

  // True at a space, a tab, a '#' comment or the end of the line: where a value must stop.
  bool at_value_end() const;
  // Skips spaces and tabs; true when only a comment or nothing is left.
  bool done();
  bool accept(char c);
  // The bytes from here while `keep(byte)` holds.
  template <class Keep>
  std::string_view take_while(Keep keep) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && keep(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // The word starting at `column` (up to the next space), shortened, for messages.
  std::string word_at(int column) const;

  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail_at(int column, const std::string& message) const;

 private:
  std::string_view text_;
  const std::string& file_;
  int line_;
  std::size_t pos_ = 0;
};

}  // namespace neurokv::ir
