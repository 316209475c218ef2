#pragma once
// A sweep's results as files: results.csv (one row per point, a `pareto` column last) and results.json (the
// same rows with the resolved spec and its hash), sorted by point index, written whole or not at all.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compiler/support/whole_file.hpp"
#include "sweep/table.hpp"

namespace neurokv::sweep {

struct SweepResults {
  nlohmann::json spec;  // SweepPlan::canonical()
  std::string spec_hash;
  int64_t points_total = 0;          // points in the whole sweep, every shard together
  std::string shard;                 // "K/N" for one shard's results, "" for the whole sweep
  std::vector<std::string> columns;  // row_columns(): without `pareto`, which is derived on writing
  std::vector<SweepRow> rows;        // sorted by point
};

void write_results(const std::string& dir, const SweepResults& results);

// The same files written a row at a time, for sweeps too large to hold: `header` is a SweepResults without
// rows; rows come in point order with their Pareto flag. commit() moves both files into place; destroyed
// before that, it leaves neither.
class ResultsWriter {
 public:
  ResultsWriter(const std::string& dir, const SweepResults& header);
  void add(const SweepRow& row, bool pareto);
  void commit();

 private:
  // A row's JSON object written as nlohmann::json's dump(1) writes it, without building one: its keys sorted,
  // each with the column it takes its value from (the last of a name given twice, as object[] keeps).
  struct JsonKey {
    std::string text;  // the line's start: indent and the quoted key
    std::size_t column;
  };
  void append_json_value(std::size_t column, const std::vector<std::string>& fields, bool pareto);

  std::vector<std::string> columns_;  // with `pareto`
  std::size_t feasible_column_;       // columns_.size() if none
  std::vector<JsonKey> json_keys_;
  std::string row_json_;                                                      // one row's JSON text, reused
  std::unique_ptr<nlohmann::detail::serializer<nlohmann::json>> serializer_;  // writes values into row_json_
  AtomicFile csv_, json_;
  std::string json_tail_;  // what follows the rows
  std::size_t rows_ = 0;
};
// Reads what write_results wrote; the `pareto` column is dropped (it is recomputed from the rows).
SweepResults read_results(const std::string& dir);

}  // namespace neurokv::sweep
