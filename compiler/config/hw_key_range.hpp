#pragma once
// The range a chip file's numeric key is checked against when the file is read: what lets a sweep accept a
// grid value on the parsed chip instead of parsing the file with it (ChipOverrider::admits).
#include <cstdint>
#include <map>
#include <string>

#include "compiler/config/hw_config.hpp"

namespace neurokv {

struct KeyRange {
  double min = 0, max = 0;
  bool integer = false;
  bool admits(double value) const {
    return value >= min && value <= max &&
           (!integer || value == static_cast<double>(static_cast<int64_t>(value)));
  }
};

// parse_hw, also giving the range it checked each numeric key's value against, by dotted key.
HwConfig parse_hw(const std::string& yaml_text, const std::string& file,
                  std::map<std::string, KeyRange>& ranges);

}  // namespace neurokv
