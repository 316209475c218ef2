#pragma once
// A sweep row as results text: its results.csv line and its results.json object, byte for byte as
// nlohmann::json's dump(1) wrote it when each row was a json object. Rendered from the row's CSV fields (the
// journal's text), so a row is formatted once, when its point is costed, and only copied or re-typed after.
#include <array>
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
  // Appends the line with the pareto flag and a newline to `csv`, and ",\n  {...\n  }" to `json` (the first
  // row's ',' is the writer's to replace).
  void append(std::string_view line, const std::vector<std::string_view>& fields, bool pareto,
              std::string& csv, std::string& json);

 private:
  // A key of the row's JSON object: its keys sorted, each with the column it takes its value from (the last
  // of a name given twice, as object[] keeps).
  struct JsonKey {
    std::string text;  // the line's start: indent and the quoted key
    std::size_t column;
  };
  // The last texts seen in a column and their JSON values, by hash: most columns of a sweep repeat a few
  // values (names, the variant's and context's figures), and typing a field is most of a row's writing.
  struct Memo {
    std::string field, json;
    bool used = false;
  };
  // 64 values a column in sets of 4 (the oldest replaced): a cost-only sweep's columns cycle through up to 40
  // values (variants x contexts), which a direct-mapped memo of 64 kept only in part (collisions).
  static constexpr std::size_t kMemoWays = 4;
  static constexpr std::size_t kMemoSets = 16;
  struct MemoSet {
    std::array<Memo, kMemoWays> ways;
    std::size_t next = 0;
  };
  // A column whose memo found fewer than one value in kMemoMinHitShare of its first kMemoTrial lookups (a
  // figure every point changes: latency, energy) is typed without it: hashing, comparing and storing each
  // field was a fifth of a cost-only sweep's JSON typing, for no hit.
  static constexpr std::size_t kMemoTrial = 1024;
  static constexpr std::size_t kMemoMinHitShare = 8;
  struct MemoUse {
    std::size_t lookups = 0, hits = 0;
    bool skip() const { return lookups >= kMemoTrial && hits * kMemoMinHitShare < lookups; }
  };
  void append_value(std::size_t column, std::string_view field, std::string& json);

  std::vector<std::string> columns_;
  std::size_t feasible_column_;  // columns_.size() if none
  std::vector<JsonKey> keys_;
  std::vector<std::array<MemoSet, kMemoSets>> memo_;  // per column
  std::vector<MemoUse> memo_use_;                     // per column
  std::string field_;                                 // one field, NUL-terminated for strtod
  std::string value_;                                 // one value's JSON text
  std::unique_ptr<nlohmann::detail::serializer<nlohmann::json>> serializer_;  // writes into value_
};

// A CSV line's fields as views into it.
void split_csv_views(std::string_view line, std::vector<std::string_view>& fields);

}  // namespace neurokv::sweep
