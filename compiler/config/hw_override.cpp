#include "compiler/config/hw_override.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "compiler/config/hw_config.hpp"
#include "compiler/support/error.hpp"

namespace neurokv {
namespace {

// The `value` node of a dotted key's `{value: ..., source: ...}` entry; an undefined node if there is none.
YAML::Node value_node(const YAML::Node& root, const std::string& key) {
  YAML::Node node = root;
  std::size_t begin = 0;
  while (true) {
    const std::size_t dot = key.find('.', begin);
    const std::string part = key.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
    if (!node.IsMap() || !node[part].IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
    node.reset(node[part]);  // YAML::Node's operator= would write into the tree, not rebind
    if (dot == std::string::npos) break;
    begin = dot + 1;
  }
  if (!node.IsMap() || !node["value"].IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
  return node["value"];
}

}  // namespace

std::vector<std::string> numeric_hw_keys(const std::string& yaml_text, const std::string& file) {
  const HwConfig hw = parse_hw(yaml_text, file);  // the base file must be valid before any key is offered
  const YAML::Node root = YAML::Load(yaml_text);
  std::vector<std::string> keys;
  for (const auto& entry : hw.provenance) {
    if (value_node(root, entry.first).IsScalar()) keys.push_back(entry.first);
  }
  return keys;  // std::map order: sorted
}

std::string override_hw_yaml(const std::string& yaml_text, const std::string& file,
                             const std::vector<HwOverride>& overrides) {
  const std::vector<std::string> valid = numeric_hw_keys(yaml_text, file);
  const YAML::Node root = YAML::Load(yaml_text);
  struct Splice {
    std::size_t pos, length;
    std::string text;
  };
  std::vector<Splice> splices;
  std::set<std::string> seen;
  for (const HwOverride& o : overrides) {
    if (!std::binary_search(valid.begin(), valid.end(), o.key)) {
      throw InputError(fmt::format("unknown chip key '{}', expected a numeric key of {}: {}", o.key, file,
                                   fmt::join(valid, ", ")));
    }
    // Two splices at one place would overlap and garble the YAML.
    if (!seen.insert(o.key).second) {
      throw InputError(
          fmt::format("chip key '{}' is set twice, expected each key of {} at most once", o.key, file));
    }
    const YAML::Node value = value_node(root, o.key);
    const std::size_t pos = static_cast<std::size_t>(value.Mark().pos);
    // A plain scalar's text is its source; a quoted one is not, and would be spliced wrongly.
    if (yaml_text.compare(pos, value.Scalar().size(), value.Scalar()) != 0) {
      throw InputError(
          fmt::format("{}:{}:{}: '{}' is written as a quoted or multi-line scalar, expected a plain "
                      "number that a sweep can replace",
                      file, value.Mark().line + 1, value.Mark().column + 1, o.key));
    }
    splices.push_back({pos, value.Scalar().size(), fmt::format("{}", o.value)});
  }
  // Right to left, so earlier offsets stay valid.
  std::sort(splices.begin(), splices.end(), [](const Splice& a, const Splice& b) { return a.pos > b.pos; });
  std::string out = yaml_text;
  for (const Splice& s : splices) out.replace(s.pos, s.length, s.text);
  return out;
}

}  // namespace neurokv
