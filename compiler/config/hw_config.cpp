#include "compiler/config/hw_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/crc.hpp>

#include "compiler/config/config_path.hpp"
#include "compiler/config/hw_key_range.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "compiler/support/yaml_fields.hpp"
#include "simulator/dram/device.hpp"

namespace neurokv {
namespace {

// Reads sourced numbers and lists, remembering each one's provenance, and each number's range, under its
// dotted key.
class SourcedReader {
 public:
  SourcedReader(HwConfig& hw, std::map<std::string, KeyRange>* ranges) : hw_(hw), ranges_(ranges) {}

  double number(const YamlMap& map, const std::string& key, double min, double max) {
    const Sourced s = map.sourced(key, min, max);
    hw_.provenance[map.dotted(key)] = s.provenance;
    if (ranges_) (*ranges_)[map.dotted(key)] = {min, max, false};
    return s.value;
  }

  int64_t integer(const YamlMap& map, const std::string& key, int64_t min, int64_t max) {
    const double value = number(map, key, static_cast<double>(min), static_cast<double>(max));
    if (ranges_) (*ranges_)[map.dotted(key)].integer = true;
    if (value != static_cast<double>(static_cast<int64_t>(value))) {
      throw InputError(
          fmt::format("{}: '{}' is {}, expected an integer", map.location(key), map.dotted(key), value));
    }
    return static_cast<int64_t>(value);
  }

  std::vector<int> integers(const YamlMap& map, const std::string& key, int min, int max) {
    std::string provenance;
    std::vector<int64_t> raw = map.sourced_integer_list(key, min, max, provenance);
    hw_.provenance[map.dotted(key)] = provenance;
    return {raw.begin(), raw.end()};
  }

  std::vector<int> bit_widths(const YamlMap& map, const std::string& key) {
    std::vector<int> out = integers(map, key, 1, 32);
    std::sort(out.begin(), out.end());
    if (std::adjacent_find(out.begin(), out.end()) != out.end()) {
      throw InputError(fmt::format("{}: '{}' lists a bit width twice, expected distinct widths",
                                   map.location(key), map.dotted(key)));
    }
    return out;
  }

 private:
  HwConfig& hw_;
  std::map<std::string, KeyRange>* ranges_;  // nullptr: not wanted
};

// The smallest input SRAM whose KV share (kKvShareOfInputSram) is at least one byte.
constexpr int64_t kMinInputSramBytes = 2;
static_assert(kMinInputSramBytes * kKvShareOfInputSram >= 1,
              "the KV share of the smallest input SRAM is empty");

NpSpec read_np(const YamlMap& map, SourcedReader& read) {
  NpSpec np;
  np.weight_sram_bytes = read.integer(map, "weight_sram_bytes", 1, int64_t{1} << 40);
  np.input_sram_bytes = read.integer(map, "input_sram_bytes", kMinInputSramBytes, int64_t{1} << 40);
  np.mac_lanes = static_cast<int>(read.integer(map, "mac_lanes", 1, 1 << 20));
  if (map.has("event_filter_cycles"))
    np.event_filter_cycles = read.number(map, "event_filter_cycles", 0, 1e6);
  if (map.has("max_input_width"))
    np.max_input_width = read.integer(map, "max_input_width", 1, int64_t{1} << 20);
  np.weight_bits = read.bit_widths(map, "weight_bits");
  np.activation_bits = read.bit_widths(map, "activation_bits");
  np.kv_bits = read.bit_widths(map, "kv_bits");
  map.reject_unknown_keys();
  return np;
}

NocSpec read_noc(const YamlMap& map, SourcedReader& read) {
  NocSpec noc;
  noc.hop_latency_cycles = read.number(map, "hop_latency_cycles", 0, 1e6);
  noc.link_bytes_per_cycle = read.number(map, "link_bytes_per_cycle", 1e-3, 1e9);
  noc.event_bytes = read.number(map, "event_bytes", 1e-3, 1e3);
  noc.vcs = static_cast<int>(read.integer(map, "vcs", 1, 12));  // simulator/noc/ arbitrates ≤ 12
  noc.buffer_flits = static_cast<int>(read.integer(map, "buffer_flits", 1, 1 << 16));
  map.reject_unknown_keys();
  return noc;
}

// `device` names a part of the DRAM command model's catalog. The transaction model's bandwidth and burst stay
// free what-if knobs (sweeps scan them past the device's pin rate); docs/hwconfigs.md says why.
void read_dram_device(const YamlMap& map, SourcedReader& read, DramSpec& spec, HwConfig& hw) {
  if (!map.has("device")) {
    for (const char* key : {"channels", "attach_nodes"}) {
      if (map.has(key)) {
        throw InputError(fmt::format("{}: '{}' needs 'dram.device', expected both or neither",
                                     map.location(key), map.dotted(key)));
      }
    }
    return;
  }
  spec.device = map.text("device");
  const dram::Device* device = nullptr;
  try {
    device = &dram::find_device(spec.device);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: 'dram.device': {}", map.location("device"), e.what()));
  }
  hw.provenance[map.dotted("device")] = "source: " + device->source;
  spec.channels = static_cast<int>(read.integer(map, "channels", 1, 64));
  if (!map.has("attach_nodes")) {
    spec.attach_nodes = default_attach_nodes(spec.channels, hw.mesh_cols * hw.mesh_rows);
    return;
  }
  spec.attach_nodes = read.integers(map, "attach_nodes", 0, hw.mesh_cols * hw.mesh_rows - 1);
  if (static_cast<int>(spec.attach_nodes.size()) != spec.channels) {
    throw InputError(fmt::format("{}: 'dram.attach_nodes' lists {} nodes, expected one per channel ({})",
                                 map.location("attach_nodes"), spec.attach_nodes.size(), spec.channels));
  }
}

DramSpec read_dram(const YamlMap& map, SourcedReader& read, HwConfig& hw) {
  DramSpec dram;
  dram.present = true;
  dram.bandwidth_bytes_per_s = read.number(map, "bandwidth_bytes_per_s", 1, 1e15);
  dram.latency_ns = read.number(map, "latency_ns", 0, 1e9);
  dram.burst_bytes = read.integer(map, "burst_bytes", 1, 1 << 30);
  read_dram_device(map, read, dram, hw);
  dram.background_w = read.number(map, "background_w", 0, 1e3);
  dram.refresh_w = read.number(map, "refresh_w", 0, 1e3);
  dram.self_refresh_w = read.number(map, "self_refresh_w", 0, 1e3);
  map.reject_unknown_keys();
  return dram;
}

EnergyTable read_energy(const YamlMap& map, const NpSpec& np, SourcedReader& read) {
  EnergyTable e;
  const YamlMap mac = map.child("mac_pj");
  for (int bits : np.weight_bits) {
    const std::string key = std::to_string(bits);
    if (!mac.has(key)) {
      throw InputError(
          fmt::format("{}: 'energy.mac_pj' has no entry for {}-bit weights, expected one for every "
                      "width in np.weight_bits",
                      mac.location(), bits));
    }
    e.mac_pj[bits] = read.number(mac, key, 0, 1e6);
  }
  mac.reject_unknown_keys();
  e.sram_read_pj_per_byte = read.number(map, "sram_read_pj_per_byte", 0, 1e6);
  e.sram_write_pj_per_byte = read.number(map, "sram_write_pj_per_byte", 0, 1e6);
  e.noc_pj_per_hop_byte = read.number(map, "noc_pj_per_hop_byte", 0, 1e6);
  e.dram_pj_per_byte = read.number(map, "dram_pj_per_byte", 0, 1e9);
  e.event_pj = read.number(map, "event_pj", 0, 1e6);
  if (map.has("event_filter_pj")) e.event_filter_pj = read.number(map, "event_filter_pj", 0, 1e6);
  e.softmax_pj_per_element = read.number(map, "softmax_pj_per_element", 0, 1e6);
  e.np_static_w = read.number(map, "np_static_w", 0, 1e3);
  e.router_static_w = read.number(map, "router_static_w", 0, 1e3);
  e.uncore_static_w = read.number(map, "uncore_static_w", 0, 1e6);
  // 0 or 1, a number so that sweeps can set it like any other key.
  e.gate_idle_nps = read.integer(map, "gate_idle_nps", 0, 1) == 1;
  map.reject_unknown_keys();
  return e;
}

HwConfig hw_from_yaml(const YamlMap& map, const std::string& file, std::map<std::string, KeyRange>* ranges) {
  HwConfig hw;
  hw.file = file;
  SourcedReader read(hw, ranges);
  hw.name = map.text("name");
  map.text_or("description", "");
  hw.clock_hz = read.number(map, "clock_hz", 1e3, 1e12);
  if (map.has("frame_overhead_cycles"))
    hw.frame_overhead_cycles = read.number(map, "frame_overhead_cycles", 0, 1e12);
  const YamlMap mesh = map.child("mesh");
  hw.mesh_cols = static_cast<int>(read.integer(mesh, "cols", 1, 1024));
  hw.mesh_rows = static_cast<int>(read.integer(mesh, "rows", 1, 1024));
  mesh.reject_unknown_keys();
  const YamlMap node = map.child("node");
  hw.nps_per_node = static_cast<int>(read.integer(node, "nps", 1, 64));
  node.reject_unknown_keys();
  hw.np = read_np(map.child("np"), read);
  const YamlMap softmax = map.child("softmax");
  hw.softmax_elements_per_cycle = read.number(softmax, "elements_per_cycle", 1e-3, 1e6);
  softmax.reject_unknown_keys();
  hw.noc = read_noc(map.child("noc"), read);
  const YamlMap dram = map.child_or_empty("dram");  // a chip without external memory omits it
  if (map.has("dram")) hw.dram = read_dram(dram, read, hw);
  hw.energy = read_energy(map.child("energy"), hw.np, read);
  map.reject_unknown_keys();
  return hw;
}

HwConfig parse(const std::string& yaml_text, const std::string& file,
               std::map<std::string, KeyRange>* ranges) {
  HwConfig hw = hw_from_yaml(YamlMap::load_string(yaml_text, file), file, ranges);
  hw.content_hash = chip_file_hash(yaml_text);
  return hw;
}

}  // namespace

std::vector<int> default_attach_nodes(int channels, int nodes) {
  std::vector<int> out;
  for (int c = 0; c < channels; ++c) out.push_back(c % nodes);
  return out;
}

HwConfig parse_hw(const std::string& yaml_text, const std::string& file) {
  return parse(yaml_text, file, nullptr);
}

HwConfig parse_hw(const std::string& yaml_text, const std::string& file,
                  std::map<std::string, KeyRange>& ranges) {
  return parse(yaml_text, file, &ranges);
}

HwConfig load_hw(const std::string& name_or_path, const std::string& hwconfigs_dir) {
  const std::string path = resolve_config(name_or_path, hwconfigs_dir, "chip");
  HwConfig hw = parse_hw(read_whole_file(path, "a readable YAML file"), path);
  if (path == name_or_path) hw.source = path;  // a shipped chip is found again by its name
  return hw;
}

std::string chip_file_hash(const std::string& yaml_text) {
  boost::crc_optimal<64, 0x42F0E1EBA9EA3693, ~uint64_t{0}, ~uint64_t{0}, true, true> crc;  // CRC-64/XZ
  crc.process_bytes(yaml_text.data(), yaml_text.size());
  return fmt::format("{:016x}", crc.checksum());
}

}  // namespace neurokv
