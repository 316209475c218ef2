#include "study/chip_fit_spec.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "compiler/config/config_path.hpp"
#include "compiler/config/hw_override.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "compiler/support/yaml_fields.hpp"
#include "study/data_dir.hpp"

namespace neurokv::study {
namespace {

// Keys the chip holds as integers; the fit tries each value in their bounds rather than a gradient step.
const std::set<std::string> kIntegralKeys{"np.mac_lanes", "dram.burst_bytes", "energy.gate_idle_nps"};
// An integral key's bounds span at most this many values (the fit tries each one).
constexpr double kMaxIntegralValues = 1024;

FreeCoefficient read_free(const YamlMap& free, const std::string& key, const ChipOverrider& overrider,
                          const ChipFitSpec& spec) {
  std::vector<std::string> keys;  // what set_hw_value can vary: no SRAM size or mesh key, which would remap
  for (const std::string& k : overrider.numeric_keys()) {
    HwConfig probe = spec.chip;
    if (set_hw_value(probe, k, 0)) keys.push_back(k);
  }
  if (!std::binary_search(keys.begin(), keys.end(), key)) {
    throw InputError(
        fmt::format("{}: '{}' is no coefficient calibrate can fit, expected a numeric key of "
                    "chip {} that prices or times a frame: {}",
                    free.location(key), key, spec.chip.name, fmt::join(keys, ", ")));
  }
  const YamlMap bounds = free.child(key);
  FreeCoefficient c;
  c.key = key;
  c.min = bounds.number("min", -1e300, 1e300);
  c.max = bounds.number("max", -1e300, 1e300);
  bounds.reject_unknown_keys();
  if (!(c.min < c.max)) {
    throw InputError(fmt::format("{}: '{}' has min {} and max {}, expected min < max", bounds.location(), key,
                                 c.min, c.max));
  }
  c.integral = kIntegralKeys.count(key) > 0;
  if (c.integral && c.max - c.min >= kMaxIntegralValues) {
    throw InputError(fmt::format("{}: '{}' is an integer with {} values in [{}, {}], expected at most {}",
                                 bounds.location(), key, c.max - c.min + 1, c.min, c.max,
                                 kMaxIntegralValues));
  }
  // Each bound must be a value the chip file itself accepts, so every chip the fit tries is a valid one.
  for (const double bound : {c.min, c.max}) {
    try {
      parse_hw(overrider.apply({HwOverride{key, bound}}), spec.chip.file);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: bound {} of '{}' is not a valid chip value: {}", bounds.location(),
                                   bound, key, e.what()));
    }
  }
  return c;
}

CnnSpec read_model(const YamlMap& row) {
  const std::string name = row.text("model");
  const std::string models = data_dir("models");
  try {
    if (!is_cnn_model(name, models)) {
      resolve_config(name, models, "model");  // throws for a file that does not exist
      throw InputError(fmt::format("is a transformer, expected a CNN model (network: cnn)"));
    }
    return load_cnn_model(name, models);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: model '{}': {}", row.location("model"), name, e.what()));
  }
}

MeasuredRow read_row(const YamlMap& row) {
  MeasuredRow r;
  r.where = row.location();
  r.name = row.text("name");
  r.source = row.text("source");
  r.model = read_model(row);
  const std::string mode = row.text("map_mode");
  try {
    r.mode = passes::parse_map_mode(mode, "map_mode");
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", row.location("map_mode"), e.what()));
  }
  if (row.has("nps")) r.nps = static_cast<int>(row.integer("nps", 1, 1 << 20));
  if (row.has("cycles")) r.cycles = row.number("cycles", 1, 1e15);
  if (row.has("dynamic_mj")) r.dynamic_j = row.number("dynamic_mj", 1e-12, 1e9) * 1e-3;
  if (row.has("total_mj")) r.total_j = row.number("total_mj", 1e-12, 1e9) * 1e-3;
  if (row.has("floor_mw")) r.floor_w = row.number("floor_mw", 1e-9, 1e9) * 1e-3;
  row.reject_unknown_keys();
  if (r.figures() == 0) {
    throw InputError(
        fmt::format("{}: row '{}' has no measured figure, expected cycles, dynamic_mj, total_mj or floor_mw",
                    r.where, r.name));
  }
  return r;
}

std::vector<MeasuredRow> read_rows(const YamlMap& rows, const std::string& key,
                                   std::set<std::string>& names) {
  std::vector<MeasuredRow> out;
  if (!rows.has(key)) return out;
  for (const YamlMap& item : rows.list_items(key, "rows")) {
    MeasuredRow r = read_row(item.child(YamlMap::kItemKey));
    if (!names.insert(r.name).second) {
      throw InputError(
          fmt::format("{}: row name '{}' is used twice, expected unique names", r.where, r.name));
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

ChipFitSpec load_chip_fit_spec(const std::string& path) {
  const YamlMap map = YamlMap::load_file(path);
  ChipFitSpec spec;
  spec.file = path;
  const std::string chip_path = resolve_config(map.text("chip"), data_dir("hwconfigs"), "chip");
  spec.chip_text = read_whole_file(chip_path, "a readable YAML file");
  spec.chip = parse_hw(spec.chip_text, chip_path);
  spec.fitted_name = map.text_or("fitted_name", spec.chip.name + "-fitted");
  const ChipOverrider overrider(spec.chip_text, chip_path);
  const YamlMap free = map.child("free");
  for (const std::string& key : free.keys()) spec.free.push_back(read_free(free, key, overrider, spec));
  free.reject_unknown_keys();
  if (spec.free.empty()) {
    throw InputError(
        fmt::format("{}: 'free' is empty, expected at least one chip key to fit", free.location()));
  }
  const YamlMap rows = map.child("rows");
  std::set<std::string> names;
  spec.fit = read_rows(rows, "fit", names);
  spec.held_out = read_rows(rows, "held_out", names);
  rows.reject_unknown_keys();
  map.reject_unknown_keys();
  int figures = 0;
  for (const MeasuredRow& r : spec.fit) figures += r.figures();
  if (figures < static_cast<int>(spec.free.size())) {
    throw InputError(
        fmt::format("{}: under-determined: {} free coefficients but {} measured figures in "
                    "rows.fit, expected at least as many figures as coefficients",
                    rows.location(), spec.free.size(), figures));
  }
  return spec;
}

}  // namespace neurokv::study
