#include "sweep/results.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "sweep/pareto.hpp"

namespace neurokv::sweep {
namespace {

constexpr const char* kSchema = "neurokv.sweep/2";
// Results written before rows were arrays (neurokv.sweep/1: a row an object) still read: their header is the
// same and rows are read from results.csv.
constexpr const char* kSchemaRowsAsObjects = "neurokv.sweep/1";

std::vector<std::string> with_pareto(std::vector<std::string> columns) {
  columns.push_back("pareto");
  return columns;
}

}  // namespace

void write_results(const std::string& dir, const SweepResults& results) {
  const std::vector<bool> pareto = pareto_rows(results.columns, results.rows);
  ResultsWriter writer(dir, results);
  for (std::size_t i = 0; i < results.rows.size(); ++i) writer.add(results.rows[i], pareto[i]);
  writer.commit();
}

ResultsWriter::ResultsWriter(const std::string& dir, const SweepResults& header)
    : row_text_(with_pareto(header.columns)), csv_(dir + "/results.csv"), json_(dir + "/results.json") {
  const std::vector<std::string> columns = with_pareto(header.columns);
  csv_.append(csv_line(columns) + "\n");

  // The header as nlohmann::json writes it (keys sorted, one-space indent); the rows, a line each, go where
  // the empty array's text is.
  nlohmann::json json = {{"schema", kSchema},
                         {"spec", header.spec},
                         {"spec_hash", header.spec_hash},
                         {"points_total", header.points_total},
                         {"columns", columns},
                         {"rows", nlohmann::json::array()}};
  if (!header.shard.empty()) json["shard"] = header.shard;
  const std::string text = json.dump(1) + "\n";
  const std::string rows_key = "\n \"rows\": ";
  const std::size_t at = text.find(rows_key) + rows_key.size();
  json_.append(std::string_view(text).substr(0, at));
  json_tail_ = text.substr(at + 2);  // after "[]"
}

void ResultsWriter::add(const SweepRow& row, bool pareto) {
  const std::string line = csv_line(row_fields(row));
  split_csv_views(line, fields_);
  csv_rows_.clear();
  json_rows_.clear();
  row_text_.append(line, fields_, pareto, csv_rows_, json_rows_);
  append_rendered(csv_rows_, json_rows_, 1);
}

void ResultsWriter::append_rendered(std::string_view csv, std::string_view json, std::size_t rows) {
  append_csv(csv);
  append_json(json, rows);
}

void ResultsWriter::append_json(std::string_view json, std::size_t rows) {
  if (rows == 0) return;
  if (rows_ == 0) {  // the array opens where the first row's separator is
    json_.append("[");
    json.remove_prefix(1);
  }
  json_.append(json);
  rows_ += rows;
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

ResultsText::ResultsText(const std::string& dir) : csv_path_(dir + "/results.csv") {
  const std::string json_path = dir + "/results.json";
  nlohmann::json json;
  // The header only: each row is skipped as it is parsed (a large sweep's rows are tens of MB).
  bool in_rows = false;
  const auto skip_rows = [&](int depth, nlohmann::json::parse_event_t event, const nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (depth == 1 && event == Event::key) in_rows = parsed == "rows";
    return !(in_rows && depth == 2 && (event == Event::array_start || event == Event::object_start));
  };
  try {
    json = nlohmann::json::parse(read_whole_file(json_path), skip_rows);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(
        fmt::format("{}: not valid JSON ({}), expected a sweep's results.json", json_path, e.what()));
  }
  const auto schema = json.find("schema");
  if (schema == json.end() || (*schema != kSchema && *schema != kSchemaRowsAsObjects)) {
    throw InputError(fmt::format("{}: schema is not {} (or {}), expected a sweep's results.json", json_path,
                                 kSchema, kSchemaRowsAsObjects));
  }
  try {
    header_.spec = json.at("spec");
    header_.spec_hash = json.at("spec_hash").get<std::string>();
    header_.points_total = json.at("points_total").get<int64_t>();
    header_.shard = json.value("shard", "");
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: {}, expected a sweep's results.json", json_path, e.what()));
  }

  // Rows come from the CSV: its text is the report's own, so rewritten results are the same bytes.
  csv_ = read_whole_file(csv_path_);
  const std::size_t header_end = csv_.find('\n');
  if (header_end != std::string::npos) {
    header_.columns = split_csv_line(csv_.substr(0, header_end));
    header_.columns.pop_back();  // pareto
  }
  if (header_.columns.empty())
    throw InputError(fmt::format("{}: no header line, expected sweep results", csv_path_));
  for (std::size_t begin = header_end + 1, end; (end = csv_.find('\n', begin)) != std::string::npos;
       begin = end + 1)
    starts_.push_back(begin);
}

SweepRow ResultsText::row(std::size_t i) const {
  const std::size_t begin = starts_[i];
  std::vector<std::string> fields = split_csv_line(csv_.substr(begin, csv_.find('\n', begin) - begin));
  fields.pop_back();  // pareto
  return row_from_fields(fields, header_.columns.size(), fmt::format("{}:{}", csv_path_, i + 2));
}

SweepResults read_results(const std::string& dir) {
  const ResultsText text(dir);
  SweepResults results = text.header();
  results.rows.reserve(text.rows());
  for (std::size_t i = 0; i < text.rows(); ++i) results.rows.push_back(text.row(i));
  return results;
}

}  // namespace neurokv::sweep
