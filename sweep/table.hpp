#pragma once
// Sweep rows as text, exactly as the report renders them: rows read back from a journal or a shard are the
// same bytes, so resumed and merged results equal an uninterrupted run's.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/report.hpp"
#include "sweep/plan.hpp"

namespace neurokv::sweep {

struct SweepRow {
  int64_t point = 0;
  std::vector<std::string> values;  // grid values, then report_csv_columns(), then feasible and error
};

// "point", the grid columns, the report's columns, then "feasible" (1/0) and "error" (why not, CSV-safe).
std::vector<std::string> row_columns(const std::vector<std::string>& grid_columns);

// The row for one point, from the point's one-variant report.
SweepRow make_row(const SweepPoint& point, const Report& report);

// The row for a point whose model does not fit its chip (the compiler's MappingError `error`): feasible 0,
// the point's model, chip, fidelity, context, prompt, variant and KV heads, every figure empty, and the
// message with commas, quotes and line breaks replaced so it stays one CSV field.
SweepRow infeasible_row(const SweepPlan& plan, const SweepPoint& point, const std::string& error);

// Whether a row of these columns is feasible; rows of other columns (no "feasible" column) are.
bool feasible(const std::vector<std::string>& columns, const SweepRow& row);
// Whether a row's context is past its model's learned positions (its `extrapolated` column is 1).
bool extrapolated(const std::vector<std::string>& columns, const SweepRow& row);

// The same two flags with their columns looked up once, for many rows.
class RowFlags {
 public:
  explicit RowFlags(const std::vector<std::string>& columns);
  bool feasible(const SweepRow& row) const;
  bool extrapolated(const SweepRow& row) const;

 private:
  std::size_t feasible_, extrapolated_;  // in a row's values; npos: no such column
};

// One CSV line without its newline. Fields are never quoted: a field holding ',', '"' or a line break is
// refused with an InputError (names in model and chip files are the only free text).
std::string csv_line(const std::vector<std::string>& fields);
// Appends one field to a line being built, refused as csv_line refuses it.
void append_csv_field(std::string& line, const std::string& field);
std::vector<std::string> split_csv_line(const std::string& line);

// The row as CSV fields, point first; and back, checking the field count.
std::vector<std::string> row_fields(const SweepRow& row);
SweepRow row_from_fields(const std::vector<std::string>& fields, std::size_t columns,
                         const std::string& where);

// A field's number as strtod reads it, where std::from_chars reads the whole field as a normal number or zero
// (the plain decimal fmt writes): true and `value` set. False for anything else (a '+', spaces, hex, a
// subnormal, inf, nan, text), which the caller reads with strtod or stod. from_chars is several times faster,
// and where both read a field whole as such a number they read the same double (both round correctly).
bool read_plain_number(std::string_view field, double& value);

// The index of `name` in `columns`; RunError if absent.
std::size_t column_index(const std::vector<std::string>& columns, const std::string& name);

}  // namespace neurokv::sweep
