#include "sweep/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <set>

#include "compiler/support/error.hpp"
#include "simulator/report_render.hpp"

namespace neurokv::sweep {

std::vector<std::string> row_columns(const std::vector<std::string>& grid_columns) {
  std::vector<std::string> columns{"point"};
  columns.insert(columns.end(), grid_columns.begin(), grid_columns.end());
  const std::vector<std::string> report = report_csv_columns();
  columns.insert(columns.end(), report.begin(), report.end());
  columns.push_back("feasible");
  columns.push_back("error");
  return columns;
}

SweepRow make_row(const SweepPoint& point, const Report& report) {
  if (report.variants.size() != 1) {
    throw RunError(fmt::format("point {}: the evaluator returned {} variants, expected one", point.index,
                               report.variants.size()));
  }
  SweepRow row;
  row.point = point.index;
  row.values.reserve(point.grid_values.size() + report_csv_column_count() + 2);
  for (double value : point.grid_values) row.values.push_back(fmt::to_string(value));
  append_report_csv_values(report, report.variants.front(), row.values);
  row.values.push_back("1");
  row.values.push_back("");
  return row;
}

SweepRow infeasible_row(const SweepPlan& plan, const SweepPoint& point, const std::string& error) {
  const AttentionVariant& variant = plan.variants(point.model)[static_cast<std::size_t>(point.variant)];
  const EvaluateOptions options = plan.options_at(point);
  Report report;
  report.model.name = plan.model(point.model).name;
  report.model.max_positions = plan.model(point.model).max_positions;
  report.hw_name = plan.hw_at(point)->name;
  report.fidelity = to_string(options.fidelity);
  report.context = point.context;
  report.prompt = options.prompt;
  VariantReport v;
  v.variant = variant.name();
  v.kv_heads = variant.kv_heads();
  // The point's identity stays; every figure is blank, not a zero a plot or a spreadsheet would take for a
  // cost.
  static const std::set<std::string> identity{"model",        "hw",     "fidelity", "context",
                                              "extrapolated", "prompt", "variant",  "kv_heads"};
  const std::vector<std::string> columns = report_csv_columns();
  std::vector<std::string> values = report_csv_values(report, v);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (!identity.count(columns[c])) values[c].clear();
  }
  std::string message = error;
  for (char& c : message) {
    if (c == ',')
      c = ';';
    else if (c == '"')
      c = '\'';
    else if (c == '\n' || c == '\r')
      c = ' ';
  }
  SweepRow row;
  row.point = point.index;
  for (double value : point.grid_values) row.values.push_back(fmt::to_string(value));
  row.values.insert(row.values.end(), values.begin(), values.end());
  row.values.push_back("0");
  row.values.push_back(message);
  return row;
}

namespace {

// The index of `column` in a row's values (the first column, "point", is the row's index, not a value), or
// npos when the columns have no such column.
std::size_t value_index(const std::vector<std::string>& columns, const char* column) {
  const auto at = std::find(columns.begin(), columns.end(), column);
  return at == columns.end() ? std::string::npos : static_cast<std::size_t>(at - columns.begin()) - 1;
}

}  // namespace

RowFlags::RowFlags(const std::vector<std::string>& columns)
    : feasible_(value_index(columns, "feasible")), extrapolated_(value_index(columns, "extrapolated")) {}

bool RowFlags::feasible(const SweepRow& row) const {
  return feasible_ == std::string::npos || row.values[feasible_] != "0";
}

bool RowFlags::extrapolated(const SweepRow& row) const {
  return extrapolated_ != std::string::npos && row.values[extrapolated_] == "1";
}

bool feasible(const std::vector<std::string>& columns, const SweepRow& row) {
  return RowFlags(columns).feasible(row);
}

bool extrapolated(const std::vector<std::string>& columns, const SweepRow& row) {
  return RowFlags(columns).extrapolated(row);
}

void append_csv_field(std::string& line, const std::string& field) {
  const bool unsafe = std::any_of(field.begin(), field.end(),
                                  [](char c) { return c == ',' || c == '"' || c == '\r' || c == '\n'; });
  if (unsafe) {
    throw InputError(
        fmt::format("'{}' holds a comma, quote or line break, expected a name without them (sweep "
                    "results are unquoted CSV)",
                    field));
  }
  line += field;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    append_csv_field(line, fields[i]);
  }
  return line;
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = line.find(',', begin);
    fields.push_back(line.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin));
    if (comma == std::string::npos) return fields;
    begin = comma + 1;
  }
}

std::vector<std::string> row_fields(const SweepRow& row) {
  std::vector<std::string> fields{std::to_string(row.point)};
  fields.insert(fields.end(), row.values.begin(), row.values.end());
  return fields;
}

SweepRow row_from_fields(const std::vector<std::string>& fields, std::size_t columns,
                         const std::string& where) {
  std::size_t used = 0;
  SweepRow row;
  bool ok = fields.size() == columns && !fields.front().empty();
  if (ok) {
    try {
      row.point = std::stoll(fields.front(), &used);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  if (!ok || used != fields.front().size() || row.point < 0) {
    throw InputError(
        fmt::format("{}: a damaged row ({} fields, point '{}'), expected {} fields starting with a point "
                    "index",
                    where, fields.size(), fields.front(), columns));
  }
  row.values.assign(fields.begin() + 1, fields.end());
  return row;
}

bool read_plain_number(std::string_view field, double& value) {
  const char* last = field.data() + field.size();
  const std::from_chars_result read = std::from_chars(field.data(), last, value);
  return read.ec == std::errc() && read.ptr == last &&
         (std::fpclassify(value) == FP_NORMAL || std::fpclassify(value) == FP_ZERO);
}

std::size_t column_index(const std::vector<std::string>& columns, const std::string& name) {
  const auto at = std::find(columns.begin(), columns.end(), name);
  if (at == columns.end()) throw RunError(fmt::format("sweep results have no column '{}'", name));
  return static_cast<std::size_t>(at - columns.begin());
}

}  // namespace neurokv::sweep
