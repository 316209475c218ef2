#include "sweep/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "sweep/pareto.hpp"

namespace neurokv::sweep {
namespace {

constexpr const char* kSchema = "neurokv.sweep/1";

// A field as JSON: a number when it reads whole as a finite number (as std::stod reads it: out of range is
// text), else the text. strtod, not stod: most fields of a row are not numbers, and an exception per field
// would be most of the time a sweep's results take to write.
nlohmann::json typed(const std::string& field) {
  const char* begin = field.c_str();
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(begin, &end);
  if (end != begin && errno != ERANGE && end == begin + field.size() && std::isfinite(value)) return value;
  return field;
}

}  // namespace

void write_results(const std::string& dir, const SweepResults& results) {
  const std::vector<bool> pareto = pareto_rows(results.columns, results.rows);
  ResultsWriter writer(dir, results);
  for (std::size_t i = 0; i < results.rows.size(); ++i) writer.add(results.rows[i], pareto[i]);
  writer.commit();
}

ResultsWriter::ResultsWriter(const std::string& dir, const SweepResults& header)
    : columns_(header.columns), csv_(dir + "/results.csv"), json_(dir + "/results.json") {
  columns_.push_back("pareto");
  const auto feasible = std::find(columns_.begin(), columns_.end(), "feasible");
  feasible_column_ = static_cast<std::size_t>(feasible - columns_.begin());
  std::map<std::string, std::size_t> sorted;
  for (std::size_t c = 0; c < columns_.size(); ++c) sorted[columns_[c]] = c;
  if (feasible_column_ < columns_.size()) sorted["feasible"] = feasible_column_;
  sorted["pareto"] = columns_.size() - 1;
  for (const auto& [name, column] : sorted)
    json_keys_.push_back({"\n   " + nlohmann::json(name).dump() + ": ", column});
  // nlohmann's own serializer (detail, but the one dump() uses) writes each value: numbers and escapes
  // exactly as before, when each row was a json object.
  serializer_ = std::make_unique<nlohmann::detail::serializer<nlohmann::json>>(
      nlohmann::detail::output_adapter<char, std::string>(row_json_), ' ');
  csv_.append(csv_line(columns_) + "\n");

  // nlohmann::json writes keys sorted, one-space indent: the rows go where the empty array's text is.
  nlohmann::json json = {{"schema", kSchema},
                         {"spec", header.spec},
                         {"spec_hash", header.spec_hash},
                         {"points_total", header.points_total},
                         {"columns", columns_},
                         {"rows", nlohmann::json::array()}};
  if (!header.shard.empty()) json["shard"] = header.shard;
  const std::string text = json.dump(1) + "\n";
  const std::string rows_key = "\n \"rows\": ";
  const std::size_t at = text.find(rows_key) + rows_key.size();
  json_.append(std::string_view(text).substr(0, at));
  json_tail_ = text.substr(at + 2);  // after "[]"
}

void ResultsWriter::add(const SweepRow& row, bool pareto) {
  std::vector<std::string> fields = row_fields(row);
  fields.push_back(pareto ? "1" : "0");
  csv_.append(csv_line(fields) + "\n");
  // As dump(1) indents an object two levels down.
  row_json_ = rows_++ == 0 ? "[\n  {" : ",\n  {";
  for (std::size_t k = 0; k < json_keys_.size(); ++k) {
    if (k > 0) row_json_ += ',';
    row_json_ += json_keys_[k].text;
    append_json_value(json_keys_[k].column, fields, pareto);
  }
  row_json_ += "\n  }";
  json_.append(row_json_);
}

void ResultsWriter::append_json_value(std::size_t column, const std::vector<std::string>& fields,
                                      bool pareto) {
  if (column + 1 == columns_.size()) {
    row_json_ += pareto ? "true" : "false";
  } else if (column == feasible_column_) {
    row_json_ += fields[column] != "0" ? "true" : "false";
  } else {
    serializer_->dump(typed(fields[column]), false, false, 0);
  }
}

void ResultsWriter::commit() {
  json_.append(rows_ == 0 ? "[]" : "\n ]");
  json_.append(json_tail_);
  // Both whole on disk before either is renamed: a full disk leaves neither, not a CSV without its JSON.
  csv_.sync();
  json_.sync();
  csv_.commit();
  json_.commit();
}

SweepResults read_results(const std::string& dir) {
  const std::string json_path = dir + "/results.json";
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(read_whole_file(json_path));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(
        fmt::format("{}: not valid JSON ({}), expected a sweep's results.json", json_path, e.what()));
  }
  if (json.value("schema", "") != kSchema) {
    throw InputError(
        fmt::format("{}: schema is not {}, expected a sweep's results.json", json_path, kSchema));
  }
  SweepResults results;
  results.spec = json.at("spec");
  results.spec_hash = json.at("spec_hash").get<std::string>();
  results.points_total = json.at("points_total").get<int64_t>();
  results.shard = json.value("shard", "");

  // Rows come from the CSV: its text is the report's own, so rewritten results are the same bytes.
  const std::string csv_path = dir + "/results.csv";
  const std::string csv = read_whole_file(csv_path);
  std::size_t begin = 0;
  int line = 1;
  for (std::size_t end; (end = csv.find('\n', begin)) != std::string::npos; begin = end + 1, ++line) {
    std::vector<std::string> fields = split_csv_line(csv.substr(begin, end - begin));
    fields.pop_back();  // pareto
    if (line == 1) {
      results.columns = fields;
      continue;
    }
    results.rows.push_back(
        row_from_fields(fields, results.columns.size(), fmt::format("{}:{}", csv_path, line)));
  }
  if (results.columns.empty())
    throw InputError(fmt::format("{}: no header line, expected sweep results", csv_path));
  return results;
}

}  // namespace neurokv::sweep
