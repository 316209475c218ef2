#include "sweep/row_text.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

namespace neurokv::sweep {
namespace {

// A field as JSON: a number when it reads whole as a finite number (as std::stod reads it: out of range is
// text), else the text. strtod, not stod: most fields of a row are not numbers, and an exception per field
// would be most of the time a sweep's results take to write. from_chars first: it reads the fields fmt
// wrote (plain decimal) several times faster, and where it reads a normal number or zero whole, strtod
// reads the same (both round correctly); anything else (a '+', spaces, hex, a subnormal strtod calls out of
// range) is left to strtod.
nlohmann::json typed(const std::string& field) {
  const char* begin = field.c_str();
  const char* last = begin + field.size();
  double value = 0;
  const std::from_chars_result fast = std::from_chars(begin, last, value);
  if (fast.ec == std::errc() && fast.ptr == last &&
      (std::fpclassify(value) == FP_NORMAL || std::fpclassify(value) == FP_ZERO))
    return value;
  char* end = nullptr;
  errno = 0;
  value = std::strtod(begin, &end);
  if (end != begin && errno != ERANGE && end == last && std::isfinite(value)) return value;
  return field;
}

}  // namespace

void split_csv_views(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  while (true) {
    const std::size_t comma = line.find(',');
    fields.push_back(line.substr(0, comma));
    if (comma == std::string_view::npos) return;
    line.remove_prefix(comma + 1);
  }
}

RowText::RowText(const std::vector<std::string>& columns)
    : columns_(columns), memo_(columns.size()), memo_use_(columns.size()) {
  const auto feasible = std::find(columns_.begin(), columns_.end(), "feasible");
  feasible_column_ = static_cast<std::size_t>(feasible - columns_.begin());
  std::map<std::string, std::size_t> sorted;
  for (std::size_t c = 0; c < columns_.size(); ++c) sorted[columns_[c]] = c;
  if (feasible_column_ < columns_.size()) sorted["feasible"] = feasible_column_;
  sorted["pareto"] = columns_.size() - 1;
  for (const auto& [name, column] : sorted)
    keys_.push_back({"\n   " + nlohmann::json(name).dump() + ": ", column});
  // nlohmann's own serializer (detail, but the one dump() uses) writes each value: numbers and escapes
  // exactly as dump() does.
  serializer_ = std::make_unique<nlohmann::detail::serializer<nlohmann::json>>(
      nlohmann::detail::output_adapter<char, std::string>(value_), ' ');
}

void RowText::append(std::string_view line, const std::vector<std::string_view>& fields, bool pareto,
                     std::string& csv, std::string& json) {
  csv += line;
  csv += pareto ? ",1\n" : ",0\n";
  // As dump(1) indents an object two levels down.
  json += ",\n  {";
  for (std::size_t k = 0; k < keys_.size(); ++k) {
    if (k > 0) json += ',';
    json += keys_[k].text;
    const std::size_t column = keys_[k].column;
    if (column + 1 == columns_.size()) {
      json += pareto ? "true" : "false";
    } else if (column == feasible_column_) {
      json += fields[column] != "0" ? "true" : "false";
    } else {
      append_value(column, fields[column], json);
    }
  }
  json += "\n  }";
}

void RowText::append_value(std::size_t column, std::string_view field, std::string& json) {
  MemoUse& use = memo_use_[column];
  if (use.skip()) {
    field_.assign(field);
    value_.clear();
    serializer_->dump(typed(field_), false, false, 0);
    json += value_;
    return;
  }
  ++use.lookups;
  Memo& memo = memo_[column][std::hash<std::string_view>()(field) % kMemoSlots];
  if (!memo.used || memo.field != field) {
    memo.field.assign(field);
    value_.clear();
    serializer_->dump(typed(memo.field), false, false, 0);
    memo.json = value_;
    memo.used = true;
  } else {
    ++use.hits;
  }
  json += memo.json;
}

}  // namespace neurokv::sweep
