#pragma once
// The fields of one kind of .nkir line, as a table: the printer and the parser both walk it, so a field is
// spelled in one place. Positional fields come first, bare and in order; keyed fields follow as key=value in
// table order when printed and in any order when read. An optional field equal to its default is not printed
// and reads back as the default.
#include <fmt/format.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/text_cursor.hpp"

namespace neurokv::ir {

// Where each field of a line was read, by key; 0 for a field the line left out.
class FieldColumns {
 public:
  void set(const std::string& key, int column) { columns_[key] = column; }
  int of(const std::string& key) const {
    const auto found = columns_.find(key);
    return found == columns_.end() ? 0 : found->second;
  }

 private:
  std::map<std::string, int> columns_;
};

// Positional: bare, always there. Required: key=value, always there. Optional: key=value, left out at its
// default.
enum class FieldMode { Positional, Required, Optional };

template <class T>
class LineFields {
 public:
  using Mode = FieldMode;

  template <class Codec, class M>
  LineFields& positional(const char* key, M T::*member, Codec codec) {
    return add(Mode::Positional, key, member, std::move(codec));
  }
  template <class Codec, class M>
  LineFields& required(const char* key, M T::*member, Codec codec) {
    return add(Mode::Required, key, member, std::move(codec));
  }
  template <class Codec, class M>
  LineFields& optional(const char* key, M T::*member, Codec codec) {
    return add(Mode::Optional, key, member, std::move(codec));
  }
  // A value spread over several members (a range, a tile reference): `get` builds it, `set` stores it.
  template <class Codec, class Get, class Set>
  LineFields& compound(Mode mode, const char* key, Get get, Set set, Codec codec) {
    Field field{mode, key, codec.expected(), {}, {}, {}};
    field.write = [get, codec](const T& item, std::string& out) { codec.write(out, get(item)); };
    field.read = [set, codec, key](LineCursor& cursor, T& item) { set(item, codec.read(cursor, key)); };
    field.is_default = [get](const T& item) { return get(item) == get(T{}); };
    fields_.push_back(std::move(field));
    return *this;
  }

  // Appends " value" or " key=value" for each field the line carries.
  void print(const T& item, std::string& out) const {
    for (const Field& field : fields_) {
      if (field.mode == Mode::Optional && field.is_default(item)) continue;
      out += ' ';
      if (field.mode != Mode::Positional) {
        out += field.key;
        out += '=';
      }
      field.write(item, out);
    }
  }

  // Reads the rest of a line into `item`, which starts as its default.
  FieldColumns read(LineCursor& cursor, T& item) const {
    FieldColumns columns;
    for (const Field& field : fields_) {
      if (field.mode != Mode::Positional) continue;
      if (cursor.done()) cursor.fail(fmt::format("missing {}, expected {}", field.key, field.expected));
      columns.set(field.key, cursor.column());
      read_value(cursor, field, item);
    }
    while (!cursor.done()) {
      const int column = cursor.column();
      const std::string key(cursor.take_while([](char c) { return c != '=' && c != ' ' && c != '\t'; }));
      const Field* field = keyed(key);
      if (field == nullptr || !cursor.accept('=')) {
        cursor.fail_at(column, fmt::format("unknown field '{}', expected key=value with a key among {}",
                                           cursor.word_at(column), keys()));
      }
      if (columns.of(key) != 0) {
        cursor.fail_at(column, fmt::format("'{}' given twice, expected each key once", key));
      }
      columns.set(key, column);
      read_value(cursor, *field, item);
    }
    for (const Field& field : fields_) {
      if (field.mode == Mode::Required && columns.of(field.key) == 0) {
        cursor.fail(fmt::format("missing {}=, expected {}", field.key, field.expected));
      }
    }
    return columns;
  }

 private:
  struct Field {
    Mode mode;
    const char* key;
    std::string expected;
    std::function<void(const T&, std::string&)> write;
    std::function<void(LineCursor&, T&)> read;
    std::function<bool(const T&)> is_default;
  };

  template <class Codec, class M>
  LineFields& add(Mode mode, const char* key, M T::*member, Codec codec) {
    return compound(
        mode, key, [member](const T& item) -> const M& { return item.*member; },
        [member](T& item, M value) { item.*member = std::move(value); }, std::move(codec));
  }

  static void read_value(LineCursor& cursor, const Field& field, T& item) {
    field.read(cursor, item);
    if (!cursor.at_value_end()) {
      cursor.fail(fmt::format("unexpected '{}' in {}, expected {} followed by a space",
                              cursor.word_at(cursor.column()), field.key, field.expected));
    }
  }

  const Field* keyed(const std::string& key) const {
    for (const Field& field : fields_) {
      if (field.mode != Mode::Positional && key == field.key) return &field;
    }
    return nullptr;
  }

  std::string keys() const {
    std::string list;
    for (const Field& field : fields_) {
      if (field.mode == Mode::Positional) continue;
      list += list.empty() ? "" : ", ";
      list += field.key;
    }
    return list;
  }

  std::vector<Field> fields_;
};

}  // namespace neurokv::ir
