#pragma once
// How each kind of value is spelled in a .nkir line: a codec per value type, writing the canonical form and
// reading it back with a located error. The line tables (text_schema) put these together; nothing else in the
// printer or parser spells a value.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/ir/program.hpp"
#include "compiler/ir/text_cursor.hpp"

namespace neurokv::ir {

// Bounds that keep hostile input from asking for absurd sizes.
constexpr int64_t kMaxCount = 10'000'000;        // ids, list lengths, model dimensions
constexpr int64_t kMaxWidth = int64_t{1} << 31;  // op widths (in_features, out_features) and tile ranges
constexpr int64_t kMaxBytes = int64_t{1} << 50;  // byte counts
constexpr int64_t kMaxCoordinate = 1024;         // mesh sizes, coordinates and NP indices

int64_t read_integer(LineCursor& cursor, std::string_view what, int64_t min, int64_t max, char prefix);
std::string integer_expected(int64_t min, int64_t max, char prefix);
void write_integer(std::string& out, int64_t value, char prefix);

// An integer in [min, max], optionally written after a sigil: %3 for ops, @2 for buffers.
template <class T>
struct Integer {
  using Value = T;
  T min;
  T max;
  char prefix = '\0';
  void write(std::string& out, T value) const { write_integer(out, value, prefix); }
  T read(LineCursor& cursor, std::string_view what) const {
    return static_cast<T>(read_integer(cursor, what, min, max, prefix));
  }
  std::string expected() const { return integer_expected(min, max, prefix); }
};

// A double in [min, max], written in its shortest form that reads back to the same bits.
struct Number {
  using Value = double;
  double min;
  double max;
  void write(std::string& out, double value) const;
  double read(LineCursor& cursor, std::string_view what) const;
  std::string expected() const;
};

// A string: bare when it is made of safe characters, otherwise quoted with \" \\ \xHH escapes.
struct Text {
  using Value = std::string;
  void write(std::string& out, const std::string& value) const;
  std::string read(LineCursor& cursor, std::string_view what) const;
  std::string expected() const;
};

// yes / no.
struct Flag {
  using Value = bool;
  void write(std::string& out, bool value) const;
  bool read(LineCursor& cursor, std::string_view what) const;
  std::string expected() const;
};

std::string_view read_identifier(LineCursor& cursor);
std::string choice_expected(const std::vector<std::string_view>& names);

// One of an enum's values, by the name program.hpp's to_string gives it.
template <class E>
struct Choice {
  using Value = E;
  std::vector<E> values;
  void write(std::string& out, E value) const { out += to_string(value); }
  E read(LineCursor& cursor, std::string_view what) const {
    const int column = cursor.column();
    const std::string_view word = read_identifier(cursor);
    for (E value : values) {
      if (word == to_string(value)) return value;
    }
    cursor.fail_at(
        column, std::string(what) + " '" + cursor.word_at(column) + "' is unknown, expected " + expected());
  }
  std::string expected() const {
    std::vector<std::string_view> names;
    for (E value : values) names.push_back(to_string(value));
    return choice_expected(names);
  }
};

// An NP as (x,y,np).
struct Coord {
  using Value = NpCoord;
  void write(std::string& out, const NpCoord& value) const;
  NpCoord read(LineCursor& cursor, std::string_view what) const;
  std::string expected() const;
};

// Where a tile runs: an NP as (x,y,np), or `hrc` for a CNN's input layer on the HRC (no NP; version 5).
struct Placement {
  using Value = std::pair<bool, NpCoord>;  // (on the HRC, the NP when not)
  void write(std::string& out, const Value& value) const;
  Value read(LineCursor& cursor, std::string_view what) const;
  std::string expected() const;
};

// A half-open range begin..end with 0 <= begin <= end.
struct Range {
  using Value = std::pair<int64_t, int64_t>;
  int64_t max = kMaxWidth;  // the largest begin and end
  void write(std::string& out, const Value& value) const;
  Value read(LineCursor& cursor, std::string_view what) const;
  std::string expected() const;
};

// A tile of an op as %op.tile.
struct TileRef {
  using Value = std::pair<int, int>;
  void write(std::string& out, const Value& value) const;
  Value read(LineCursor& cursor, std::string_view what) const;
  std::string expected() const;
};

// Comma-separated elements, no spaces; empty when nothing follows the '='.
template <class Element>
struct List {
  using Value = std::vector<typename Element::Value>;
  Element element;
  void write(std::string& out, const Value& values) const {
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      element.write(out, values[i]);
    }
  }
  Value read(LineCursor& cursor, std::string_view what) const {
    Value values;
    if (cursor.at_value_end()) return values;
    do {
      if (static_cast<int64_t>(values.size()) >= kMaxCount) {
        cursor.fail(std::string(what) + " has too many elements, expected at most " +
                    std::to_string(kMaxCount));
      }
      values.push_back(element.read(cursor, what));
    } while (cursor.accept(','));
    return values;
  }
  std::string expected() const { return "a comma-separated list of " + element.expected(); }
};

}  // namespace neurokv::ir
