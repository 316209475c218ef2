#include "sweep/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <utility>

#include "compiler/config/config_path.hpp"
#include "compiler/config/hw_override.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/side_by_side.hpp"
#include "compiler/support/whole_file.hpp"
#include "simulator/cost_model_version.hpp"

namespace neurokv::sweep {
namespace {

// FNV-1a, 64 bits: stable across compilers and runs, unlike std::hash.
std::string fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

std::vector<HwOverride> overrides_for(const GridAxis& axis, double value) {
  std::vector<HwOverride> out;
  for (const std::string& key : axis.keys) out.push_back({key, value});
  return out;
}

// Parses the chip with the overrides; a refused value is reported at `where` in the spec.
HwConfig parse_overridden(const ChipOverrider& chip, const std::string& file,
                          const std::vector<HwOverride>& overrides, const std::string& where) {
  try {
    return parse_hw(chip.apply(overrides), file);
  } catch (const InputError& e) {
    std::vector<std::string> set;
    for (const HwOverride& o : overrides) set.push_back(fmt::format("{} = {}", o.key, o.value));
    throw InputError(fmt::format("{}: grid values {} do not make a valid chip: {}", where,
                                 fmt::join(set, ", "), e.what()));
  }
}

// Runs `load` and puts the spec entry that named the file in front of any InputError it throws.
template <typename Load>
auto named_at(const std::string& where, Load&& load) {
  try {
    return load();
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", where, e.what()));
  }
}

}  // namespace

std::string neurokv_version() { return fmt::format("{}+cost{}", NEUROKV_VERSION, kCostModelVersion); }

SweepPlan SweepPlan::load(const SweepSpec& spec, const std::string& models_dir,
                          const std::string& hwconfigs_dir, const std::string& version, int jobs) {
  SweepPlan plan;
  plan.spec_ = spec;
  plan.version_ = version;
  nlohmann::json files = nlohmann::json::object();
  for (const std::string& name : spec.models) {
    const std::string path =
        named_at(spec.models_location, [&] { return resolve_config(name, models_dir, "model"); });
    const std::string text = read_whole_file(path);
    plan.models_.push_back(parse_model(text, path));
    const ModelSpec& model = plan.models_.back();
    plan.variants_.push_back(named_at(spec.variants_location, [&] {
      return AttentionVariant::parse_list(spec.variants, model.heads, model.kv_groups, model.kv_heads);
    }));
    files[path] = fnv1a(text);
  }
  plan.hw_file_ = named_at(spec.hw_location, [&] { return resolve_config(spec.hw, hwconfigs_dir, "chip"); });
  plan.hw_text_ = read_whole_file(plan.hw_file_);
  files[plan.hw_file_] = fnv1a(plan.hw_text_);

  // Precision lists are not grid keys, so the base chip's hold at every point: a width it lacks is refused
  // here, at the spec's line, not by the compiler at the first point.
  const HwConfig base = parse_hw(plan.hw_text_, plan.hw_file_);
  const auto check_bits = [&](int bits, const std::vector<int>& supported, const char* key,
                              const std::string& where) {
    if (bits != 0 && std::find(supported.begin(), supported.end(), bits) == supported.end()) {
      throw InputError(fmt::format("{}: {} {}: chip {} supports {} bits, expected one of them", where, key,
                                   bits, base.name, fmt::join(supported, ", ")));
    }
  };
  check_bits(spec.weight_bits, base.np.weight_bits, "weight_bits", spec.weight_bits_location);
  check_bits(spec.act_bits, base.np.activation_bits, "act_bits", spec.act_bits_location);
  check_bits(spec.kv_bits, base.np.kv_bits, "kv_bits", spec.kv_bits_location);

  plan.hw_overrider_ = std::make_shared<const ChipOverrider>(plan.hw_text_, plan.hw_file_);
  const std::vector<std::string>& valid = plan.hw_overrider_->numeric_keys();
  // Counted before any value is checked: checking 10^5 values of a 10^10-chip grid is itself too slow.
  double chips = 1;
  for (const GridAxis& axis : spec.grid) {
    chips *= static_cast<double>(axis.values.size());
    if (chips > kMaxGridPoints) {
      throw InputError(fmt::format("{}: the grid reaches {:g} chips at this axis, expected at most {}",
                                   axis.location, chips, kMaxGridPoints));
    }
  }
  // Each value alone, so a bad one is named before any point runs: within its key's range on the parsed chip
  // where that tells (ChipOverrider::admits), else by parsing the chip with it (one YAML parse each, which
  // gives the error), on `jobs` threads side by side; a refused value is reported below as one after the
  // other would.
  std::vector<std::pair<const GridAxis*, double>> values;
  for (const GridAxis& axis : spec.grid) {
    for (double value : axis.values) values.emplace_back(&axis, value);
  }
  std::vector<std::exception_ptr> refused(values.size());
  std::atomic<std::size_t> next{0};
  side_by_side(std::min(static_cast<std::size_t>(std::max(1, jobs)), values.size()), [&] {
    for (std::size_t i; (i = next++) < values.size();) {
      const auto& [axis, value] = values[i];
      try {
        const std::vector<HwOverride> overrides = overrides_for(*axis, value);
        if (!plan.hw_overrider_->admits(overrides))
          parse_overridden(*plan.hw_overrider_, plan.hw_file_, overrides, axis->location);
      } catch (...) {
        refused[i] = std::current_exception();
      }
    }
  });
  std::size_t checked = 0;
  nlohmann::json grid = nlohmann::json::array();
  bool settable = true;
  for (const GridAxis& axis : spec.grid) {
    for (const std::string& key : axis.keys) {
      if (std::find(valid.begin(), valid.end(), key) == valid.end()) {
        throw InputError(fmt::format("{}: unknown grid key '{}', expected a numeric key of {}: {}",
                                     axis.location, key, plan.hw_file_, fmt::join(valid, ", ")));
      }
    }
    for (const std::size_t end = checked + axis.values.size(); checked < end; ++checked) {
      if (refused[checked]) std::rethrow_exception(refused[checked]);
    }
    plan.grid_points_ *= static_cast<int64_t>(axis.values.size());
    for (const std::string& key : axis.keys) {
      HwConfig probe = base;
      settable = settable && set_hw_value(probe, key, axis.values.front());
    }
    grid.push_back({{"name", axis.name}, {"values", axis.values}});
  }

  plan.base_hw_ = std::make_shared<const HwConfig>(base);
  plan.grid_settable_ = settable;

  nlohmann::json variants = nlohmann::json::array();
  for (const AttentionVariant& v : plan.variants_.front()) variants.push_back(v.name());
  plan.canonical_ = {
      {"neurokv", version},
      {"models", spec.models},
      {"hw", spec.hw},
      {"variants", variants},
      {"contexts", spec.contexts},
      {"fidelity", to_string(spec.fidelity)},
      {"prompt", spec.prompt >= 0           ? nlohmann::json(spec.prompt)
                 : simulated(spec.fidelity) ? nlohmann::json("context - tokens")
                                            : nlohmann::json(0)},
      {"tokens", spec.tokens},
      {"precision",
       {{"weight_bits", spec.weight_bits}, {"act_bits", spec.act_bits}, {"kv_bits", spec.kv_bits}}},
      {"grid", grid}};
  // Only when set, so the hash of every spec without the key, and the journals it names, stay as they were.
  if (spec.decode_only) plan.canonical_["decode_only"] = true;
  // File paths differ between machines running shards; the files' contents must not.
  nlohmann::json contents = nlohmann::json::array();
  for (const auto& entry : files.items()) contents.push_back(entry.value());
  plan.hash_ = fnv1a(plan.canonical_.dump() + contents.dump());
  return plan;
}

int64_t SweepPlan::size() const {
  return static_cast<int64_t>(models_.size()) * grid_points_ * static_cast<int64_t>(spec_.contexts.size()) *
         static_cast<int64_t>(variants_.front().size());
}

SweepPoint SweepPlan::point(int64_t index) const {
  SweepPoint p;
  p.index = index;
  const int64_t variants = static_cast<int64_t>(variants_.front().size());
  const int64_t contexts = static_cast<int64_t>(spec_.contexts.size());
  p.variant = static_cast<int>(index % variants);
  index /= variants;
  p.context = spec_.contexts[static_cast<std::size_t>(index % contexts)];
  index /= contexts;
  p.grid_point = index % grid_points_;
  p.model = static_cast<int>(index / grid_points_);
  p.grid_values.resize(spec_.grid.size());
  int64_t rest = p.grid_point;
  for (std::size_t a = spec_.grid.size(); a-- > 0;) {  // the last axis varies fastest
    const auto& values = spec_.grid[a].values;
    p.grid_values[a] = values[static_cast<std::size_t>(rest % static_cast<int64_t>(values.size()))];
    rest /= static_cast<int64_t>(values.size());
  }
  return p;
}

std::vector<std::string> SweepPlan::grid_columns() const {
  std::vector<std::string> names;
  for (const GridAxis& axis : spec_.grid) names.push_back(axis.name);
  return names;
}

std::shared_ptr<const HwConfig> SweepPlan::hw_at(const SweepPoint& point) const {
  if (auto cached = hw_cache_->find(point.grid_point)) return cached;
  // Parsed outside the cache's lock; two threads may both parse one grid point, and the first one kept wins.
  auto hw = std::make_shared<HwConfig>();
  std::vector<HwOverride> overrides;
  for (std::size_t a = 0; a < spec_.grid.size(); ++a) {
    for (const HwOverride& o : overrides_for(spec_.grid[a], point.grid_values[a])) overrides.push_back(o);
  }
  if (grid_settable_) {
    // Each value passed parse_hw alone when the plan was loaded, and the keys' ranges do not depend on each
    // other, so the chip is the parsed file with the values set. It has no file of its own to hash.
    *hw = *base_hw_;
    for (const HwOverride& o : overrides) set_hw_value(*hw, o.key, o.value);
    if (!overrides.empty()) hw->content_hash.clear();
  } else {
    *hw = overrides.empty() ? parse_hw(hw_text_, hw_file_)
                            : parse_overridden(*hw_overrider_, hw_file_, overrides, spec_.file);
  }
  for (const HwOverride& o : overrides) hw->provenance[o.key] = "assumed: set by a sweep grid";
  return hw_cache_->insert(point.grid_point, std::move(hw));
}

EvaluateOptions SweepPlan::options_at(const SweepPoint& point) const {
  EvaluateOptions options;
  options.compile.context = point.context;
  options.compile.weight_bits = spec_.weight_bits;
  options.compile.act_bits = spec_.act_bits;
  options.compile.kv_bits = spec_.kv_bits;
  options.fidelity = spec_.fidelity;
  options.prompt = prompt_at(spec_, point.context);
  options.tokens = spec_.tokens;
  options.decode_only = spec_.decode_only;
  return options;
}

}  // namespace neurokv::sweep
