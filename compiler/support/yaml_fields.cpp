#include "compiler/support/yaml_fields.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"

namespace neurokv {
namespace {

std::string mark_text(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return file;
  return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
}

std::string join(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& key : keys) out += (out.empty() ? "" : ", ") + key;
  return out;
}

// yaml-cpp keeps the first of two equal keys and drops the second without a word; a config whose later line
// is silently ignored is worse than a refused one. Walks with an explicit stack: nesting depth is the
// input's.
void reject_duplicate_keys(const YAML::Node& root, const std::string& file) {
  std::vector<YAML::Node> pending{root};
  while (!pending.empty()) {
    const YAML::Node node = pending.back();
    pending.pop_back();
    if (node.IsSequence()) {
      for (const auto& item : node) pending.push_back(item);
    } else if (node.IsMap()) {
      std::set<std::string> keys;
      for (const auto& entry : node) {
        if (entry.first.IsScalar() && !keys.insert(entry.first.Scalar()).second) {
          throw InputError(fmt::format("{}: key '{}' appears twice in one mapping, expected each key once",
                                       mark_text(file, entry.first.Mark()), entry.first.Scalar()));
        }
        pending.push_back(entry.second);
      }
    }
  }
}

}  // namespace

YamlMap YamlMap::load_string(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}: YAML syntax error: {}, expected a well-formed YAML mapping",
                                 mark_text(name, e.mark), e.msg));
  }
  if (!root.IsMap()) {
    throw InputError(fmt::format("{}: the file is {}, expected a YAML mapping of keys to values",
                                 mark_text(name, root.Mark()), root.IsNull() ? "empty" : "not a mapping"));
  }
  reject_duplicate_keys(root, name);
  return YamlMap(root, name, "");
}

YamlMap YamlMap::load_file(const std::string& path) {
  return load_string(read_whole_file(path, "a readable YAML file"), path);
}

YamlMap::YamlMap(YAML::Node node, std::string file, std::string path)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}

bool YamlMap::has(const std::string& key) const {
  seen_.insert(key);  // a key the loader asks about is one it accepts, so the unknown-key list names it
  return node_.IsMap() && node_[key].IsDefined();
}

std::string YamlMap::location() const { return mark_text(file_, node_.Mark()); }

std::string YamlMap::location(const std::string& key) const {
  return has(key) ? mark_text(file_, node_[key].Mark()) : location();
}

std::string YamlMap::dotted(const std::string& key) const {
  // A list item is named by its index alone: 'np.weight_bits.value[1]'.
  if (key == kItemKey && !path_.empty() && path_.back() == ']') return path_;
  return path_.empty() ? key : path_ + "." + key;
}

void YamlMap::fail(const YAML::Node& where, const std::string& message) const {
  throw InputError(
      fmt::format("{}: {}", mark_text(file_, where.Mark().is_null() ? node_.Mark() : where.Mark()), message));
}

YAML::Node YamlMap::at(const std::string& key) const {
  seen_.insert(key);
  YAML::Node value = node_[key];
  if (!value.IsDefined()) fail(node_, fmt::format("missing key '{}'", dotted(key)));
  if (value.IsNull()) fail(value, fmt::format("'{}' has no value, expected one", dotted(key)));
  return value;
}

double YamlMap::number(const std::string& key, double min, double max) const {
  YAML::Node value = at(key);
  double out = 0;
  if (!value.IsScalar() || !YAML::convert<double>::decode(value, out) || !std::isfinite(out)) {
    fail(value, fmt::format("'{}' is not a number, expected a number in [{}, {}]", dotted(key), min, max));
  }
  if (out < min || out > max) {
    fail(value, fmt::format("'{}' is {}, expected a number in [{}, {}]", dotted(key), out, min, max));
  }
  return out;
}

double YamlMap::number_or(const std::string& key, double fallback, double min, double max) const {
  seen_.insert(key);
  return has(key) ? number(key, min, max) : fallback;
}

int64_t YamlMap::integer(const std::string& key, int64_t min, int64_t max) const {
  YAML::Node value = at(key);
  double out = 0;
  if (!value.IsScalar() || !YAML::convert<double>::decode(value, out) || !std::isfinite(out) ||
      std::floor(out) != out) {
    fail(value,
         fmt::format("'{}' is not an integer, expected an integer in [{}, {}]", dotted(key), min, max));
  }
  if (out < static_cast<double>(min) || out > static_cast<double>(max)) {
    fail(value,
         fmt::format("'{}' is {}, expected an integer in [{}, {}]", dotted(key), value.Scalar(), min, max));
  }
  return static_cast<int64_t>(out);
}

int64_t YamlMap::integer_or(const std::string& key, int64_t fallback, int64_t min, int64_t max) const {
  seen_.insert(key);
  return has(key) ? integer(key, min, max) : fallback;
}

std::string YamlMap::text(const std::string& key) const {
  YAML::Node value = at(key);
  if (!value.IsScalar()) fail(value, fmt::format("'{}' is not a string, expected a string", dotted(key)));
  return value.Scalar();
}

std::string YamlMap::text_or(const std::string& key, const std::string& fallback) const {
  seen_.insert(key);
  return has(key) ? text(key) : fallback;
}

bool YamlMap::boolean_or(const std::string& key, bool fallback) const {
  seen_.insert(key);
  if (!has(key)) return fallback;
  YAML::Node value = at(key);
  bool out = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, out)) {
    fail(value, fmt::format("'{}' is '{}', expected true or false", dotted(key), value.Scalar()));
  }
  return out;
}

std::vector<YamlMap> YamlMap::list_items(const std::string& key, const std::string& expected) const {
  YAML::Node value = at(key);
  if (!value.IsSequence() || value.size() == 0) {
    fail(value, fmt::format("'{}' is not a list, expected a non-empty list of {}", dotted(key), expected));
  }
  std::vector<YamlMap> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    YAML::Node wrapper;
    wrapper[kItemKey] = value[i];
    out.emplace_back(wrapper, file_, dotted(key) + fmt::format("[{}]", i));
  }
  return out;
}

std::vector<int64_t> YamlMap::integer_list(const std::string& key, int64_t min, int64_t max) const {
  std::vector<int64_t> out;
  for (const YamlMap& item : list_items(key, "integers")) out.push_back(item.integer(kItemKey, min, max));
  return out;
}

std::vector<double> YamlMap::number_list(const std::string& key, double min, double max) const {
  std::vector<double> out;
  for (const YamlMap& item : list_items(key, "numbers")) out.push_back(item.number(kItemKey, min, max));
  return out;
}

bool YamlMap::is_list(const std::string& key) const { return has(key) && node_[key].IsSequence(); }

YamlMap YamlMap::provenance_entry(const std::string& key, std::string& provenance) const {
  YAML::Node value = at(key);
  if (!value.IsMap()) {
    fail(value, fmt::format("'{}' has no provenance, expected {{value: ..., source: \"...\"}} or "
                            "{{value: ..., assumed: \"...\"}}",
                            dotted(key)));
  }
  YamlMap entry(value, file_, dotted(key));
  const int kinds = int{entry.has("source")} + int{entry.has("assumed")} + int{entry.has("fitted")};
  if (kinds != 1) {
    fail(value, fmt::format("'{}' needs exactly one of 'source', 'assumed' or 'fitted', saying where the "
                            "number comes from",
                            dotted(key)));
  }
  if (entry.has("source")) {
    provenance = "source: " + entry.text("source");
  } else if (entry.has("assumed")) {
    provenance = "assumed: " + entry.text("assumed");
  } else {  // written by `neurokv calibrate` (docs/validation.md): the rows and bounds it was fitted within
    const YamlMap fitted = entry.child("fitted");
    const std::vector<double> bounds = fitted.number_list("bounds", -1e300, 1e300);
    std::vector<std::string> rows;
    for (const YamlMap& row : fitted.list_items("rows", "row names")) rows.push_back(row.text(kItemKey));
    if (bounds.size() != 2 || bounds[0] > bounds[1]) {
      fail(value,
           fmt::format("'{}.fitted.bounds' is not [min, max], expected two numbers in order", dotted(key)));
    }
    provenance = fmt::format("fitted: by {} to rows {} within [{}, {}]; before: {}", fitted.text("by"),
                             fmt::join(rows, ", "), bounds[0], bounds[1], fitted.text("before"));
    fitted.reject_unknown_keys();
  }
  return entry;
}

Sourced YamlMap::sourced(const std::string& key, double min, double max) const {
  Sourced out;
  const YamlMap entry = provenance_entry(key, out.provenance);
  out.value = entry.number("value", min, max);
  entry.reject_unknown_keys();
  return out;
}

std::vector<int64_t> YamlMap::sourced_integer_list(const std::string& key, int64_t min, int64_t max,
                                                   std::string& provenance) const {
  const YamlMap entry = provenance_entry(key, provenance);
  std::vector<int64_t> out = entry.integer_list("value", min, max);
  entry.reject_unknown_keys();
  return out;
}

YamlMap YamlMap::child(const std::string& key) const {
  YAML::Node value = at(key);
  if (!value.IsMap())
    fail(value, fmt::format("'{}' is not a mapping, expected a mapping of keys", dotted(key)));
  return YamlMap(value, file_, dotted(key));
}

YamlMap YamlMap::child_or_empty(const std::string& key) const {
  seen_.insert(key);
  if (has(key)) return child(key);
  return YamlMap(YAML::Node(YAML::NodeType::Map), file_, dotted(key));
}

std::vector<std::string> YamlMap::keys() const {
  std::vector<std::string> out;
  for (const auto& entry : node_) {
    if (!entry.first.IsScalar()) fail(entry.first, fmt::format("a key of '{}' is not a scalar", path_));
    out.push_back(entry.first.Scalar());
  }
  return out;
}

void YamlMap::reject_unknown_keys() const {
  for (const auto& entry : node_) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "<non-scalar key>";
    if (!seen_.count(key)) {
      fail(entry.first, fmt::format("unknown key '{}', expected one of: {}", dotted(key), join(seen_)));
    }
  }
}

}  // namespace neurokv
