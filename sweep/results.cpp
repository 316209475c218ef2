#include "sweep/results.hpp"

#include <fmt/format.h>

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
  std::vector<std::string> columns = results.columns;
  columns.push_back("pareto");

  std::string csv = csv_line(columns) + "\n";
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i = 0; i < results.rows.size(); ++i) {
    std::vector<std::string> fields = row_fields(results.rows[i]);
    fields.push_back(pareto[i] ? "1" : "0");
    csv += csv_line(fields) + "\n";
    nlohmann::json row = nlohmann::json::object();
    for (std::size_t c = 0; c + 1 < columns.size(); ++c) row[columns[c]] = typed(fields[c]);
    if (row.contains("feasible")) row["feasible"] = fields[column_index(columns, "feasible")] != "0";
    row["pareto"] = static_cast<bool>(pareto[i]);
    rows.push_back(row);
  }
  nlohmann::json json = {{"schema", kSchema},
                         {"spec", results.spec},
                         {"spec_hash", results.spec_hash},
                         {"points_total", results.points_total},
                         {"columns", columns},
                         {"rows", rows}};
  if (!results.shard.empty()) json["shard"] = results.shard;

  write_file_atomically(dir + "/results.csv", csv);
  write_file_atomically(dir + "/results.json", json.dump(1) + "\n");
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
