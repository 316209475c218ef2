#pragma once
// A sweep's results as files: results.csv (one row per point, a `pareto` column last) and results.json (the
// same rows with the resolved spec and its hash), sorted by point index, written whole or not at all.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/support/whole_file.hpp"
#include "sweep/row_text.hpp"
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
// rows; rows come in point order with their Pareto flag, one by one (add) or rendered in batches elsewhere
// (RowText, with row_text() as the prototype) and appended whole. commit() moves both files into place;
// destroyed before that, it leaves neither.
class ResultsWriter {
 public:
  ResultsWriter(const std::string& dir, const SweepResults& header);
  void add(const SweepRow& row, bool pareto);
  // `rows` rows RowText::append rendered, in point order after every row added before.
  void append_rendered(std::string_view csv, std::string_view json, std::size_t rows);
  // The same, a file at a time: the two files are independent, so one thread may append to results.csv
  // while another appends the same rows to results.json.
  void append_csv(std::string_view csv) { csv_.append(csv); }
  void append_json(std::string_view json, std::size_t rows);
  const RowText& row_text() const { return row_text_; }
  void commit();

 private:
  RowText row_text_;
  std::string csv_rows_, json_rows_;  // add()'s scratch
  std::vector<std::string_view> fields_;
  AtomicFile csv_, json_;
  std::string json_tail_;  // what follows the rows
  std::size_t rows_ = 0;
};
// A results directory held as text: its header, and results.csv's rows parsed one at a time. A row held as
// its line takes a fraction of the memory of its fields as strings, so `sweep merge` reads its shards so.
class ResultsText {
 public:
  explicit ResultsText(const std::string& dir);  // InputError for a damaged or foreign directory
  // The results without their rows; `columns` from results.csv, without `pareto`.
  const SweepResults& header() const { return header_; }
  std::size_t rows() const { return starts_.size(); }
  // Row `i` in file order, `pareto` dropped; InputError naming its line when it is damaged.
  SweepRow row(std::size_t i) const;

 private:
  SweepResults header_;
  std::string csv_path_, csv_;
  std::vector<std::size_t> starts_;  // where each row's line begins in csv_ (it ends at the next '\n')
};

// Reads what write_results wrote, every row parsed; the `pareto` column is dropped (it is recomputed from
// the rows).
SweepResults read_results(const std::string& dir);

}  // namespace neurokv::sweep
