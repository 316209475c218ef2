#include "sweep/row_text.hpp"

#include <algorithm>

#include "sweep/table.hpp"

namespace neurokv::sweep {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Printable ASCII without '"' and '\': JSON's text for it is the text quoted, as nlohmann's dump() writes it.
bool needs_no_escape(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; });
}

}  // namespace

bool is_json_number(std::string_view text) {
  const char* at = text.data();
  const char* const end = at + text.size();
  const auto digits = [&] {
    const char* from = at;
    while (at != end && is_digit(*at)) ++at;
    return at != from;
  };
  if (at != end && *at == '-') ++at;
  if (at == end) return false;
  if (*at == '0') {
    ++at;
  } else if (!digits()) {
    return false;
  }
  if (at != end && *at == '.') {
    ++at;
    if (!digits()) return false;
  }
  if (at != end && (*at == 'e' || *at == 'E')) {
    ++at;
    if (at != end && (*at == '+' || *at == '-')) ++at;
    if (!digits()) return false;
  }
  return at == end;
}

void split_csv_views(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  // A byte loop, not find(): a row's 72 fields are a few bytes each, shorter than a memchr call pays for.
  const char* begin = line.data();
  const char* const end = begin + line.size();
  for (const char* at = begin; at != end; ++at) {
    if (*at != ',') continue;
    fields.emplace_back(begin, static_cast<std::size_t>(at - begin));
    begin = at + 1;
  }
  fields.emplace_back(begin, static_cast<std::size_t>(end - begin));
}

RowText::RowText(const std::vector<std::string>& columns) : columns_(columns) {
  const auto feasible = std::find(columns_.begin(), columns_.end(), "feasible");
  feasible_column_ = static_cast<std::size_t>(feasible - columns_.begin());
  // nlohmann's own serializer (detail, but the one dump() uses) escapes the strings that need it.
  serializer_ = std::make_unique<nlohmann::detail::serializer<nlohmann::json>>(
      nlohmann::detail::output_adapter<char, std::string>(value_), ' ');
}

void RowText::append(std::string_view line, const std::vector<std::string_view>& fields, bool pareto,
                     std::string& csv, std::string& json) {
  csv += line;
  csv += pareto ? ",1\n" : ",0\n";
  json += ",\n  [";
  for (std::size_t c = 0; c < fields.size(); ++c) {
    if (c == feasible_column_) {
      json += fields[c] != "0" ? "true," : "false,";
    } else {
      append_value(fields[c], json);
      json += ',';
    }
  }
  json += pareto ? "true]" : "false]";
}

void RowText::append_value(std::string_view field, std::string& json) {
  double value = 0;
  if (is_json_number(field) && read_plain_number(field, value)) {
    json += field;
  } else if (needs_no_escape(field)) {
    json += '"';
    json += field;
    json += '"';
  } else {
    value_.clear();
    serializer_->dump(nlohmann::json(field), false, false, 0);
    json += value_;
  }
}

}  // namespace neurokv::sweep
