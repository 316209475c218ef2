#pragma once
// A sweep row as results text: its results.csv line and its results.json row, rendered from the row's CSV
// fields (the journal's text), so a row is formatted once, when its point is costed, and only copied or
// quoted after.
//
// A results.json row (schema neurokv.sweep/2) is an array in the order of "columns", on a line of its own. A
// field whose text is a JSON number (RFC 8259's grammar) that reads as a finite double, not subnormal, is
// that number, written as the CSV writes it; `feasible` and `pareto` are booleans; any other field is a
// string.
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace neurokv::sweep {

class RowText {
 public:
  // `columns`: row_columns(), then "pareto".
  explicit RowText(const std::vector<std::string>& columns);
  // Another renderer of the same columns with its own scratch (one per thread).
  RowText(const RowText& other) : RowText(other.columns_) {}
  RowText& operator=(const RowText&) = delete;

  // `line`: the row's CSV line without its newline, already checked (csv_line); `fields`: its fields, split.
  // Appends the line with the pareto flag and a newline to `csv`, and ",\n  [...]" to `json` (the first
  // row's ',' is the writer's to replace).
  void append(std::string_view line, const std::vector<std::string_view>& fields, bool pareto,
              std::string& csv, std::string& json);

 private:
  void append_value(std::string_view field, std::string& json);

  std::vector<std::string> columns_;
  std::size_t feasible_column_;  // columns_.size() if none
  std::string value_;            // one escaped string's JSON text
  std::unique_ptr<nlohmann::detail::serializer<nlohmann::json>> serializer_;  // writes into value_
};

// Whether `text` is a number by JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view text);

// A CSV line's fields as views into it.
void split_csv_views(std::string_view line, std::vector<std::string_view>& fields);

}  // namespace neurokv::sweep
