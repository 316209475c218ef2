#include "sweep/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "sweep/pareto.hpp"

namespace neurokv::sweep {
namespace {

constexpr const char* kSchema = "neurokv.sweep/1";

// A field as JSON: a number when it reads whole as a finite number, else the text.
nlohmann::json typed(const std::string& field) {
  std::size_t used = 0;
  try {
    const double value = std::stod(field, &used);
    if (used == field.size() && std::isfinite(value)) return value;
  } catch (const std::exception&) {
  }
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
  nlohmann::json object = nlohmann::json::object();
  for (std::size_t c = 0; c + 1 < columns_.size(); ++c) object[columns_[c]] = typed(fields[c]);
  if (feasible_column_ < columns_.size()) object["feasible"] = fields[feasible_column_] != "0";
  object["pareto"] = pareto;
  // As dump(1) indents an object two levels down: every line but the first two more spaces.
  std::string text = object.dump(1);
  std::string indented = rows_++ == 0 ? "[\n  " : ",\n  ";
  for (const char c : text) {
    indented += c;
    if (c == '\n') indented += "  ";
  }
  json_.append(indented);
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
