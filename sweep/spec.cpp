#include "sweep/spec.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "compiler/ir/program.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "compiler/support/yaml_fields.hpp"

namespace neurokv::sweep {
namespace {

constexpr double kHuge = 1e18;

// `{from: A, to: B, steps: N, scale: linear|log}`: N values from A to B inclusive.
std::vector<double> range_values(const YamlMap& range) {
  const double from = range.number("from", -kHuge, kHuge);
  const double to = range.number("to", -kHuge, kHuge);
  const int64_t steps = range.integer("steps", 1, 100000);
  const std::string scale = range.text_or("scale", "linear");
  range.reject_unknown_keys();
  if (scale != "linear" && scale != "log") {
    throw InputError(
        fmt::format("{}: scale is '{}', expected linear or log", range.location("scale"), scale));
  }
  if (scale == "log" && (from <= 0 || to <= 0)) {
    throw InputError(fmt::format("{}: a log range needs from and to above zero, got {} and {}",
                                 range.location(), from, to));
  }
  if (steps == 1 && from != to) {
    throw InputError(fmt::format("{}: one step cannot go from {} to {}, expected steps >= 2",
                                 range.location("steps"), from, to));
  }
  std::vector<double> values;
  for (int64_t i = 0; i < steps; ++i) {
    const double t = steps == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(steps - 1);
    const double value = scale == "log" ? std::exp(std::log(from) + t * (std::log(to) - std::log(from)))
                                        : from + t * (to - from);
    // Round to 6 significant digits so columns read 3.2e+09, not 3200000000.0000005.
    values.push_back(std::stod(fmt::format("{:.6g}", value)));
  }
  return values;
}

std::vector<std::string> split_keys(const std::string& name, const std::string& location) {
  std::vector<std::string> keys;
  std::size_t begin = 0;
  while (true) {
    const std::size_t plus = name.find('+', begin);
    const std::string key = name.substr(begin, plus == std::string::npos ? std::string::npos : plus - begin);
    if (key.empty()) {
      throw InputError(fmt::format(
          "{}: grid key '{}' has an empty part, expected dotted chip keys joined by '+'", location, name));
    }
    keys.push_back(key);
    if (plus == std::string::npos) return keys;
    begin = plus + 1;
  }
}

std::vector<GridAxis> read_grid(const YamlMap& grid) {
  std::vector<GridAxis> axes;
  std::set<std::string> seen;
  for (const std::string& name : grid.keys()) {
    GridAxis axis;
    axis.name = name;
    axis.location = grid.location(name);
    axis.keys = split_keys(name, axis.location);
    for (const std::string& key : axis.keys) {
      if (!seen.insert(key).second) {
        throw InputError(fmt::format("{}: chip key '{}' is swept twice, expected each key in one grid axis",
                                     axis.location, key));
      }
    }
    if (grid.is_list(name)) {
      axis.values = grid.number_list(name, -kHuge, kHuge);
    } else {
      axis.values = range_values(grid.child(name));
    }
    axes.push_back(axis);
  }
  return axes;
}

std::vector<std::string> read_models(const YamlMap& spec) {
  if (spec.has("model") == spec.has("models")) {
    throw InputError(fmt::format("{}: expected exactly one of 'model' (a name) or 'models' (a list of names)",
                                 spec.location()));
  }
  if (spec.has("model")) return {spec.text("model")};
  std::vector<std::string> models;
  for (const YamlMap& item : spec.list_items("models", "model names"))
    models.push_back(item.text(YamlMap::kItemKey));
  return models;
}

// `all`, "QKV, MQA" or [QKV, MQA]: kept as the text AttentionVariant::parse_list reads, per model.
std::string read_variants(const YamlMap& spec) {
  if (!spec.is_list("variants")) return spec.text_or("variants", "all");
  std::vector<std::string> names;
  for (const YamlMap& item : spec.list_items("variants", "variant names"))
    names.push_back(item.text(YamlMap::kItemKey));
  return fmt::format("{}", fmt::join(names, ","));
}

Fidelity read_fidelity(const YamlMap& spec) {
  const std::string text = spec.text_or("fidelity", "analytic");
  if (const std::optional<Fidelity> fidelity = fidelity_named(text)) return *fidelity;
  throw InputError(fmt::format("{}: {}", spec.location("fidelity"), unknown_fidelity(text)));
}

// Every context must hold the prompt and the decode tokens, as `neurokv run` requires: refused here, naming
// the context, rather than by the simulator in the middle of the sweep.
void check_contexts(const YamlMap& map, const SweepSpec& spec) {
  const std::vector<YamlMap> items = map.list_items("contexts", "context lengths");
  for (std::size_t i = 0; i < spec.contexts.size(); ++i) {
    const int64_t context = spec.contexts[i];
    const std::string where = items[i].location(YamlMap::kItemKey);
    if (spec.prompt >= 0 && spec.prompt + spec.tokens > context) {
      throw InputError(
          fmt::format("{}: context {} is shorter than prompt {} + tokens {}, expected every context >= "
                      "prompt + tokens (the KV cache is planned for the context); without 'prompt' "
                      "each point prefills context - tokens",
                      where, context, spec.prompt, spec.tokens));
    }
    if (spec.prompt < 0 && simulated(spec.fidelity) && spec.tokens > context) {
      throw InputError(
          fmt::format("{}: context {} is shorter than tokens {}, expected every context >= tokens (each "
                      "point prefills context - tokens, then decodes the tokens)",
                      where, context, spec.tokens));
    }
    if (spec.decode_only && prompt_at(spec, context) == 0) {
      throw InputError(fmt::format(
          "{}: decode_only at context {} with a prompt of 0 tokens leaves no prefill out; expected a prompt "
          "of 1 or more at every context (a 'prompt', or the transaction or cycle fidelity's context - "
          "tokens) or no decode_only",
          spec.decode_only_location, context));
    }
  }
}

}  // namespace

int64_t prompt_at(const SweepSpec& spec, int64_t context) {
  if (spec.prompt >= 0) return spec.prompt;
  return simulated(spec.fidelity) ? context - spec.tokens : 0;
}

SweepSpec parse_spec(const std::string& yaml_text, const std::string& file) {
  const YamlMap map = YamlMap::load_string(yaml_text, file);
  SweepSpec spec;
  spec.file = file;
  spec.models = read_models(map);
  spec.models_location = map.location(map.has("model") ? "model" : "models");
  spec.hw = map.text("hw");
  spec.hw_location = map.location("hw");
  spec.variants = read_variants(map);
  spec.variants_location = map.location("variants");
  spec.contexts = map.integer_list("contexts", 1, ir::kMaxContext);
  spec.fidelity = read_fidelity(map);
  spec.prompt = map.integer_or("prompt", -1, 0, int64_t{1} << 30);
  spec.tokens = map.integer_or("tokens", 1, 1, int64_t{1} << 30);
  spec.decode_only = map.boolean_or("decode_only", false);
  spec.decode_only_location = map.location("decode_only");
  spec.weight_bits = static_cast<int>(map.integer_or("weight_bits", 0, 0, 32));
  spec.act_bits = static_cast<int>(map.integer_or("act_bits", 0, 0, 32));
  spec.kv_bits = static_cast<int>(map.integer_or("kv_bits", 0, 0, 32));
  spec.weight_bits_location = map.location("weight_bits");
  spec.act_bits_location = map.location("act_bits");
  spec.kv_bits_location = map.location("kv_bits");
  if (map.has("grid")) spec.grid = read_grid(map.child("grid"));
  map.reject_unknown_keys();
  check_contexts(map, spec);
  return spec;
}

SweepSpec load_spec(const std::string& path) {
  return parse_spec(read_whole_file(path, "a sweep spec YAML file"), path);
}

}  // namespace neurokv::sweep
