#include "compiler/ir/text_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>

namespace neurokv::ir {
namespace {

// Characters a Text value may use unquoted; anything else (spaces, '#', quotes, control bytes) forces quotes.
bool is_bare_safe(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return std::isalnum(byte) || byte >= 0x80 || c == '_' || c == '.' || c == '-' || c == '+' || c == '=' ||
         c == ':' || c == '/';
}

bool is_identifier(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

[[noreturn]] void fail_value(const LineCursor& cursor, int column, std::string_view what,
                             const std::string& expected) {
  cursor.fail_at(column,
                 fmt::format("{} '{}' is not valid, expected {}", what, cursor.word_at(column), expected));
}

void expect_char(LineCursor& cursor, char c, int column, std::string_view what, const std::string& expected) {
  if (!cursor.accept(c)) fail_value(cursor, column, what, expected);
}

int read_coordinate(LineCursor& cursor, std::string_view what) {
  return static_cast<int>(read_integer(cursor, what, 0, kMaxCoordinate, '\0'));
}

}  // namespace

int64_t read_integer(LineCursor& cursor, std::string_view what, int64_t min, int64_t max, char prefix) {
  const int column = cursor.column();
  if (prefix != '\0' && !cursor.accept(prefix))
    fail_value(cursor, column, what, integer_expected(min, max, prefix));
  int64_t value = 0;
  const auto [stop, error] = std::from_chars(cursor.pos(), cursor.end(), value);
  if (error == std::errc::invalid_argument)
    fail_value(cursor, column, what, integer_expected(min, max, prefix));
  if (error == std::errc::result_out_of_range || value < min || value > max) {
    cursor.fail_at(column, fmt::format("{} {} is out of range, expected {}", what, cursor.word_at(column),
                                       integer_expected(min, max, prefix)));
  }
  cursor.advance(static_cast<std::size_t>(stop - cursor.pos()));
  return value;
}

std::string integer_expected(int64_t min, int64_t max, char prefix) {
  if (prefix != '\0') return fmt::format("'{}' and an integer from {} to {}", prefix, min, max);
  return fmt::format("an integer from {} to {}", min, max);
}

void write_integer(std::string& out, int64_t value, char prefix) {
  if (prefix != '\0') out += prefix;
  fmt::format_to(std::back_inserter(out), "{}", value);
}

void Number::write(std::string& out, double value) const {
  fmt::format_to(std::back_inserter(out), "{}", value);
}

double Number::read(LineCursor& cursor, std::string_view what) const {
  const int column = cursor.column();
  double value = 0;
  const auto [stop, error] = std::from_chars(cursor.pos(), cursor.end(), value);
  if (error == std::errc::invalid_argument) fail_value(cursor, column, what, expected());
  if (error == std::errc::result_out_of_range || !(value >= min && value <= max)) {
    cursor.fail_at(
        column, fmt::format("{} {} is out of range, expected {}", what, cursor.word_at(column), expected()));
  }
  cursor.advance(static_cast<std::size_t>(stop - cursor.pos()));
  return value;
}

std::string Number::expected() const { return fmt::format("a number from {} to {}", min, max); }

void Text::write(std::string& out, const std::string& value) const {
  bool bare = !value.empty();
  for (char c : value) bare = bare && is_bare_safe(c);
  if (bare) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string Text::read(LineCursor& cursor, std::string_view what) const {
  const int column = cursor.column();
  if (!cursor.accept('"')) {
    const std::string_view bare = cursor.take_while([](char c) { return c != ' ' && c != '\t' && c != '#'; });
    if (bare.empty()) fail_value(cursor, column, what, expected());
    return std::string(bare);
  }
  std::string value;
  while (!cursor.accept('"')) {
    if (cursor.at_line_end()) {
      cursor.fail_at(column, fmt::format("{} has no closing quote, expected {}", what, expected()));
    }
    const char c = cursor.peek();
    cursor.advance(1);
    if (c != '\\') {
      value += c;
    } else if (cursor.accept('"') || cursor.accept('\\')) {
      value += cursor.pos()[-1];
    } else if (cursor.accept('x')) {
      const int escape = cursor.column() - 2;
      unsigned byte = 0;
      const char* digits = cursor.pos();
      const auto [stop, error] = std::from_chars(digits, std::min(digits + 2, cursor.end()), byte, 16);
      if (error != std::errc() || stop != digits + 2) {
        cursor.fail_at(escape, fmt::format("bad escape in {}, expected \\x and two hex digits", what));
      }
      cursor.advance(2);
      value += static_cast<char>(byte);
    } else {
      cursor.fail_at(cursor.column() - 1,
                     fmt::format("unknown escape in {}, expected \\\", \\\\ or \\xHH", what));
    }
  }
  return value;
}

std::string Text::expected() const { return "a name, bare or in \"quotes\""; }

void Flag::write(std::string& out, bool value) const { out += value ? "yes" : "no"; }

bool Flag::read(LineCursor& cursor, std::string_view what) const {
  const int column = cursor.column();
  const std::string_view word = read_identifier(cursor);
  if (word == "yes") return true;
  if (word == "no") return false;
  fail_value(cursor, column, what, expected());
}

std::string Flag::expected() const { return "yes or no"; }

std::string_view read_identifier(LineCursor& cursor) { return cursor.take_while(is_identifier); }

std::string choice_expected(const std::vector<std::string_view>& names) {
  return fmt::format("one of {}", fmt::join(names, ", "));
}

void Coord::write(std::string& out, const NpCoord& value) const {
  fmt::format_to(std::back_inserter(out), "({},{},{})", value.x, value.y, value.np);
}

NpCoord Coord::read(LineCursor& cursor, std::string_view what) const {
  const int column = cursor.column();
  NpCoord np;
  expect_char(cursor, '(', column, what, expected());
  np.x = read_coordinate(cursor, "NP x");
  expect_char(cursor, ',', column, what, expected());
  np.y = read_coordinate(cursor, "NP y");
  expect_char(cursor, ',', column, what, expected());
  np.np = read_coordinate(cursor, "NP index");
  expect_char(cursor, ')', column, what, expected());
  return np;
}

std::string Coord::expected() const { return "an NP as (x,y,np)"; }

void Placement::write(std::string& out, const Value& value) const {
  if (value.first) {
    out += "hrc";
  } else {
    Coord{}.write(out, value.second);
  }
}

Placement::Value Placement::read(LineCursor& cursor, std::string_view what) const {
  if (cursor.peek() == '(') return {false, Coord{}.read(cursor, what)};
  const int column = cursor.column();
  if (read_identifier(cursor) == "hrc") return {true, NpCoord{}};
  fail_value(cursor, column, what, expected());
}

std::string Placement::expected() const { return "an NP as (x,y,np), or hrc"; }

void Range::write(std::string& out, const Value& value) const {
  fmt::format_to(std::back_inserter(out), "{}..{}", value.first, value.second);
}

Range::Value Range::read(LineCursor& cursor, std::string_view what) const {
  const int column = cursor.column();
  const int64_t begin = read_integer(cursor, what, 0, max, '\0');
  if (!cursor.accept('.') || !cursor.accept('.')) fail_value(cursor, column, what, expected());
  const int64_t end = read_integer(cursor, what, 0, max, '\0');
  if (end < begin)
    cursor.fail_at(column, fmt::format("{} {}..{} runs backwards, expected begin <= end", what, begin, end));
  return {begin, end};
}

std::string Range::expected() const { return "a range begin..end"; }

void TileRef::write(std::string& out, const Value& value) const {
  fmt::format_to(std::back_inserter(out), "%{}.{}", value.first, value.second);
}

TileRef::Value TileRef::read(LineCursor& cursor, std::string_view what) const {
  const int column = cursor.column();
  const auto op = static_cast<int>(read_integer(cursor, what, 0, kMaxCount, '%'));
  if (!cursor.accept('.')) fail_value(cursor, column, what, expected());
  const auto tile = static_cast<int>(read_integer(cursor, what, 0, kMaxCount, '\0'));
  return {op, tile};
}

std::string TileRef::expected() const { return "a tile as %op.tile"; }

}  // namespace neurokv::ir
