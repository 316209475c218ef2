#include "sweep/row_text.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

#include "sweep/table.hpp"

namespace neurokv::sweep {
namespace {

// A field as JSON: a number when it reads whole as a finite number (as std::stod reads it: out of range is
// text), else the text. strtod, not stod: most fields of a row are not numbers, and an exception per field
// would be most of the time a sweep's results take to write. read_plain_number first: it reads the fields
// fmt wrote several times faster.
nlohmann::json typed(const std::string& field) {
  double value = 0;
  if (read_plain_number(field, value)) return value;
  const char* begin = field.c_str();
  char* end = nullptr;
  errno = 0;
  value = std::strtod(begin, &end);
  if (end != begin && errno != ERANGE && end == begin + field.size() && std::isfinite(value)) return value;
  return field;
}

// Appends an integer field as dump() writes the double it reads as, and returns true; false for any other
// field. Digits only, no leading zero, at most 15 of them: the double holds the integer exactly, grisu2's
// shortest digits are the integer's own, and dump() writes them in fixed notation with ".0" (nlohmann's
// to_chars: 15 digits is its kMaxExp). A row's point index and counts are such fields.
bool append_integer_as_double(std::string_view field, std::string& json) {
  constexpr std::size_t kMaxDigits = 15;
  if (field.empty() || field.size() > kMaxDigits || (field[0] == '0' && field.size() > 1)) return false;
  if (!std::all_of(field.begin(), field.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  json += field;
  json += ".0";
  return true;
}

}  // namespace

void split_csv_views(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  // A byte loop, not find(): a row's 72 fields are a few bytes each, shorter than a memchr call pays for.
  const char* begin = line.data();
  const char* const end = begin + line.size();
  for (const char* at = begin; at != end; ++at) {
    if (*at != ',') continue;
    fields.emplace_back(begin, static_cast<std::size_t>(at - begin));
    begin = at + 1;
  }
  fields.emplace_back(begin, static_cast<std::size_t>(end - begin));
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
  if (append_integer_as_double(field, json)) return;
  MemoUse& use = memo_use_[column];
  if (use.skip()) {
    field_.assign(field);
    value_.clear();
    serializer_->dump(typed(field_), false, false, 0);
    json += value_;
    return;
  }
  ++use.lookups;
  MemoSet& set = memo_[column][std::hash<std::string_view>()(field) % kMemoSets];
  const auto found = std::find_if(set.ways.begin(), set.ways.end(),
                                  [&](const Memo& memo) { return memo.used && memo.field == field; });
  if (found != set.ways.end()) {
    ++use.hits;
    json += found->json;
    return;
  }
  Memo& memo = set.ways[set.next];  // the set's oldest value makes way
  set.next = (set.next + 1) % kMemoWays;
  memo.field.assign(field);
  value_.clear();
  serializer_->dump(typed(memo.field), false, false, 0);
  memo.json = value_;
  memo.used = true;
  json += memo.json;
}

}  // namespace neurokv::sweep
