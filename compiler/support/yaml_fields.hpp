#pragma once
// Typed, located access to a YAML mapping. Every loader reads through this, so every bad file gives
// "file:line:col: what is wrong, what was expected", and unknown keys are refused with the valid ones listed.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace neurokv {

// A number that carries where it came from: `{value: 1.0e9, source: "..."}` or `{value: 16, assumed: "..."}`.
struct Sourced {
  double value = 0;
  std::string provenance;  // "source: ..." or "assumed: ..."
};

class YamlMap {
 public:
  static constexpr const char* kItemKey = "item";

  // Parses a whole file; a missing file, a syntax error or a non-mapping top level is an InputError.
  static YamlMap load_file(const std::string& path);
  static YamlMap load_string(const std::string& text, const std::string& name);

  YamlMap(YAML::Node node, std::string file, std::string path);

  bool has(const std::string& key) const;  // also marks `key` as accepted (reject_unknown_keys lists it)
  std::string location() const;            // "file:line:col" of this mapping
  std::string location(const std::string& key) const;
  std::string dotted(const std::string& key) const;  // "np.mac_lanes" for key "mac_lanes" in mapping "np"

  int64_t integer(const std::string& key, int64_t min, int64_t max) const;
  int64_t integer_or(const std::string& key, int64_t fallback, int64_t min, int64_t max) const;
  double number(const std::string& key, double min, double max) const;
  double number_or(const std::string& key, double fallback, double min, double max) const;
  std::string text(const std::string& key) const;
  std::string text_or(const std::string& key, const std::string& fallback) const;
  bool boolean_or(const std::string& key, bool fallback) const;
  std::vector<int64_t> integer_list(const std::string& key, int64_t min, int64_t max) const;
  std::vector<double> number_list(const std::string& key, double min, double max) const;
  bool is_list(const std::string& key) const;
  // Each item of a non-empty list, wrapped as key kItemKey of a mapping so the scalar accessors read it.
  std::vector<YamlMap> list_items(const std::string& key, const std::string& expected) const;
  Sourced sourced(const std::string& key, double min, double max) const;
  // `{value: [4, 8], source: "..."}`: a list of integers with its provenance.
  std::vector<int64_t> sourced_integer_list(const std::string& key, int64_t min, int64_t max,
                                            std::string& provenance) const;
  YamlMap child(const std::string& key) const;
  YamlMap child_or_empty(const std::string& key) const;
  // Keys of a mapping whose keys are data (e.g. bit widths), in file order.
  std::vector<std::string> keys() const;

  // Refuses any key that no accessor asked for, naming it and the valid keys.
  void reject_unknown_keys() const;

 private:
  YAML::Node at(const std::string& key) const;  // throws if missing
  YamlMap provenance_entry(const std::string& key, std::string& provenance) const;
  [[noreturn]] void fail(const YAML::Node& where, const std::string& message) const;

  YAML::Node node_;
  std::string file_;
  std::string path_;  // dotted path of this mapping inside the file, "" at top level
  mutable std::set<std::string> seen_;
};

}  // namespace neurokv
