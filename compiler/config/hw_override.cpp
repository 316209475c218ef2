#include "compiler/config/hw_override.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <map>
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

ChipOverrider::ChipOverrider(std::string yaml_text, std::string file)
    : text_(std::move(yaml_text)), file_(std::move(file)) {
  std::map<std::string, KeyRange> ranges;
  const HwConfig hw =
      parse_hw(text_, file_, ranges);  // the base file must be valid before any key is offered
  const YAML::Node root = YAML::Load(text_);
  HwConfig probe = hw;  // set_hw_value on it tells whether a key is settable; the values written are not read
  for (const auto& entry : hw.provenance) {  // std::map order: sorted
    const YAML::Node value = value_node(root, entry.first);
    if (!value.IsScalar()) continue;
    const std::size_t pos = static_cast<std::size_t>(value.Mark().pos);
    const auto range = ranges.find(entry.first);
    keys_.push_back(entry.first);
    values_.push_back({pos, value.Scalar().size(),
                       text_.compare(pos, value.Scalar().size(), value.Scalar()) == 0, value.Mark().line + 1,
                       value.Mark().column + 1, range != ranges.end() && set_hw_value(probe, entry.first, 0),
                       range != ranges.end() ? range->second : KeyRange{}});
  }
}

const ChipOverrider::Value* ChipOverrider::value_of(const std::string& key) const {
  const auto at = std::lower_bound(keys_.begin(), keys_.end(), key);
  return at == keys_.end() || *at != key ? nullptr : &values_[static_cast<std::size_t>(at - keys_.begin())];
}

bool ChipOverrider::admits(const std::vector<HwOverride>& overrides) const {
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const Value* value = value_of(overrides[i].key);
    if (!value || !value->plain || !value->settable || !value->range.admits(overrides[i].value)) return false;
    for (std::size_t j = 0; j < i; ++j) {
      if (overrides[j].key == overrides[i].key) return false;
    }
  }
  return true;
}

std::string ChipOverrider::apply(const std::vector<HwOverride>& overrides) const {
  struct Splice {
    std::size_t pos, length;
    std::string text;
  };
  std::vector<Splice> splices;
  std::set<std::string> seen;
  for (const HwOverride& o : overrides) {
    const Value* value = value_of(o.key);
    if (!value) {
      throw InputError(fmt::format("unknown chip key '{}', expected a numeric key of {}: {}", o.key, file_,
                                   fmt::join(keys_, ", ")));
    }
    // Two splices at one place would overlap and garble the YAML.
    if (!seen.insert(o.key).second) {
      throw InputError(
          fmt::format("chip key '{}' is set twice, expected each key of {} at most once", o.key, file_));
    }
    // A plain scalar's text is its source; a quoted one is not, and would be spliced wrongly.
    if (!value->plain) {
      throw InputError(
          fmt::format("{}:{}:{}: '{}' is written as a quoted or multi-line scalar, expected a plain "
                      "number that a sweep can replace",
                      file_, value->line, value->column, o.key));
    }
    splices.push_back({value->pos, value->length, fmt::format("{}", o.value)});
  }
  // Right to left, so earlier offsets stay valid.
  std::sort(splices.begin(), splices.end(), [](const Splice& a, const Splice& b) { return a.pos > b.pos; });
  std::string out = text_;
  for (const Splice& s : splices) out.replace(s.pos, s.length, s.text);
  return out;
}

std::vector<std::string> numeric_hw_keys(const std::string& yaml_text, const std::string& file) {
  return ChipOverrider(yaml_text, file).numeric_keys();
}

std::string override_hw_yaml(const std::string& yaml_text, const std::string& file,
                             const std::vector<HwOverride>& overrides) {
  return ChipOverrider(yaml_text, file).apply(overrides);
}

bool set_hw_value(HwConfig& hw, const std::string& key, double value) {
  const std::string mac = "energy.mac_pj.";
  if (key.rfind(mac, 0) == 0) {
    const auto entry = hw.energy.mac_pj.find(std::atoi(key.c_str() + mac.size()));
    if (entry == hw.energy.mac_pj.end() || key != mac + std::to_string(entry->first)) return false;
    entry->second = value;
    return true;
  }
  static const std::map<std::string, double HwConfig::*> top{
      {"clock_hz", &HwConfig::clock_hz},
      {"frame_overhead_cycles", &HwConfig::frame_overhead_cycles},
      {"softmax.elements_per_cycle", &HwConfig::softmax_elements_per_cycle}};
  static const std::map<std::string, double DramSpec::*> dram{
      {"dram.bandwidth_bytes_per_s", &DramSpec::bandwidth_bytes_per_s},
      {"dram.latency_ns", &DramSpec::latency_ns},
      {"dram.background_w", &DramSpec::background_w},
      {"dram.refresh_w", &DramSpec::refresh_w},
      {"dram.self_refresh_w", &DramSpec::self_refresh_w}};
  static const std::map<std::string, double NocSpec::*> noc{
      {"noc.hop_latency_cycles", &NocSpec::hop_latency_cycles},
      {"noc.link_bytes_per_cycle", &NocSpec::link_bytes_per_cycle},
      {"noc.event_bytes", &NocSpec::event_bytes}};
  static const std::map<std::string, double EnergyTable::*> energy{
      {"energy.sram_read_pj_per_byte", &EnergyTable::sram_read_pj_per_byte},
      {"energy.sram_write_pj_per_byte", &EnergyTable::sram_write_pj_per_byte},
      {"energy.noc_pj_per_hop_byte", &EnergyTable::noc_pj_per_hop_byte},
      {"energy.dram_pj_per_byte", &EnergyTable::dram_pj_per_byte},
      {"energy.event_pj", &EnergyTable::event_pj},
      {"energy.event_filter_pj", &EnergyTable::event_filter_pj},
      {"energy.softmax_pj_per_element", &EnergyTable::softmax_pj_per_element},
      {"energy.np_static_w", &EnergyTable::np_static_w},
      {"energy.router_static_w", &EnergyTable::router_static_w},
      {"energy.uncore_static_w", &EnergyTable::uncore_static_w}};
  if (const auto f = top.find(key); f != top.end()) {
    hw.*(f->second) = value;
  } else if (const auto d = dram.find(key); d != dram.end() && hw.dram.present) {
    hw.dram.*(d->second) = value;
  } else if (const auto n = noc.find(key); n != noc.end()) {
    hw.noc.*(n->second) = value;
  } else if (const auto e = energy.find(key); e != energy.end()) {
    hw.energy.*(e->second) = value;
  } else if (key == "energy.gate_idle_nps") {
    hw.energy.gate_idle_nps = value == 1;
  } else if (key == "np.mac_lanes") {
    hw.np.mac_lanes = static_cast<int>(value);
  } else if (key == "np.event_filter_cycles") {
    hw.np.event_filter_cycles = value;
  } else if (key == "dram.burst_bytes" && hw.dram.present) {
    hw.dram.burst_bytes = static_cast<int64_t>(value);
  } else {
    return false;
  }
  return true;
}

}  // namespace neurokv
