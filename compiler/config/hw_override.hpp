#pragma once
// Sets numeric leaves of a chip YAML by dotted key ("np.mac_lanes", "energy.mac_pj.8") before it is parsed,
// so a swept value goes through the same validation as a value written in the file.
#include <string>
#include <vector>

#include "compiler/config/hw_key_range.hpp"

namespace neurokv {

struct HwOverride {
  std::string key;  // dotted key, as in HwConfig::provenance
  double value = 0;
};

// A chip file read once for overriding: its numeric keys and where each one's value is written, so that a
// set of overrides is a splice of text, not a parse of YAML (a sweep checks each of its grid values so).
class ChipOverrider {
 public:
  // InputError if the file is not a valid chip.
  ChipOverrider(std::string yaml_text, std::string file);
  // The dotted keys of the chip's numeric leaves (its provenance keys, less the lists of bit widths), sorted.
  const std::vector<std::string>& numeric_keys() const { return keys_; }
  // As override_hw_yaml.
  std::string apply(const std::vector<HwOverride>& overrides) const;
  // Whether parse_hw(apply(overrides)) is a valid chip, where that is known without parsing: each key is one
  // set_hw_value() sets (whose range never depends on another key), written as a plain number, given once,
  // and its value within the range the chip's reader checks. False where only the parse can tell (and give
  // the error).
  bool admits(const std::vector<HwOverride>& overrides) const;

 private:
  struct Value {  // a numeric key's value in the text
    std::size_t pos, length;
    bool plain;  // written as its own text (not quoted or folded): the splice is exact
    int line, column;
    bool settable;  // by set_hw_value()
    KeyRange range;
  };
  const Value* value_of(const std::string& key) const;  // nullptr for a key that is not a numeric leaf
  std::string text_, file_;
  std::vector<std::string> keys_;
  std::vector<Value> values_;  // per key
};

// The dotted keys of the chip's numeric leaves (its provenance keys, less the lists of bit widths), sorted.
std::vector<std::string> numeric_hw_keys(const std::string& yaml_text, const std::string& file);

// `yaml_text` with each override's `value` replaced in place: every other byte, and so every line:col of an
// error, stays where it was. Throws InputError for a key that is not a numeric leaf, listing the valid ones,
// and for a key given twice.
std::string override_hw_yaml(const std::string& yaml_text, const std::string& file,
                             const std::vector<HwOverride>& overrides);

// Sets a numeric key's field on a chip already parsed, as parsing the chip with the override would: for the
// keys that price and time a program (energy, static power, clock, DRAM, NoC, MAC lanes, softmax rate), so a
// sweep over them makes each grid point's chip without parsing YAML. The value must already have passed
// parse_hw with this override alone (a range is checked by key, never across keys). False, with `hw`
// unchanged, for any other key: parse an overridden YAML instead.
bool set_hw_value(HwConfig& hw, const std::string& key, double value);

}  // namespace neurokv
