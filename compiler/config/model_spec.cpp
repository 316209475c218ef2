#include "compiler/config/model_spec.hpp"

#include <fmt/format.h>

#include "compiler/config/config_path.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/problem_list.hpp"
#include "compiler/support/yaml_fields.hpp"

namespace neurokv {
namespace {

// Bounds that refuse absurd models before anything is sized from them (a 10^12-layer model is refused,
// not attempted). They are far above any published transformer.
constexpr int64_t kMaxLayers = 1024;
constexpr int64_t kMaxWidth = 1 << 17;
constexpr int64_t kMaxVocab = 1 << 22;
constexpr int64_t kMaxPositions = 1 << 22;

ActivationDensity read_density(const YamlMap& map) {
  ActivationDensity d;
  d.attn_in = map.number_or("attn_in", d.attn_in, 0.0, 1.0);
  d.attn_out = map.number_or("attn_out", d.attn_out, 0.0, 1.0);
  d.mlp_in = map.number_or("mlp_in", d.mlp_in, 0.0, 1.0);
  d.mlp_hidden = map.number_or("mlp_hidden", d.mlp_hidden, 0.0, 1.0);
  d.lm_head_in = map.number_or("lm_head_in", d.lm_head_in, 0.0, 1.0);
  d.attn_probs = map.number_or("attn_probs", d.attn_probs, 0.0, 1.0);
  d.query = map.number_or("query", d.query, 0.0, 1.0);
  map.reject_unknown_keys();
  return d;
}

// Every problem of the file is reported in one run: each field is read on its own, and a check that needs
// other fields runs only when they were read.
ModelSpec model_from_yaml(const YamlMap& map, const std::string& file) {
  ModelSpec m;
  m.file = file;
  ProblemList problems;
  const auto read_int = [&](int& field, const char* key, int64_t max) {
    problems.check([&] { field = static_cast<int>(map.integer(key, 1, max)); });
  };
  problems.check([&] { m.name = map.text("name"); });
  problems.check([&] { map.text_or("description", ""); });
  problems.check([&] { map.text_or("source", ""); });
  read_int(m.layers, "layers", kMaxLayers);
  read_int(m.d_model, "d_model", kMaxWidth);
  read_int(m.heads, "heads", 4096);
  read_int(m.head_dim, "head_dim", kMaxWidth);
  read_int(m.mlp_hidden, "mlp_hidden", kMaxWidth);
  read_int(m.vocab, "vocab", kMaxVocab);
  read_int(m.max_positions, "max_positions", kMaxPositions);
  // Optional: only `--variant all` needs it (GQA-g and Q-GQA-g with the paper's g).
  problems.check([&] { m.kv_groups = static_cast<int>(map.integer_or("kv_groups", 0, 1, 4096)); });
  problems.check([&] { m.bias = map.boolean_or("bias", true); });
  problems.check([&] { m.tied_lm_head = map.boolean_or("tied_lm_head", true); });
  problems.check([&] {
    const std::string norm = map.text_or("norm", "layernorm");
    if (norm != "layernorm") {
      throw InputError(
          fmt::format("{}: norm '{}' is not supported, expected 'layernorm'", map.location("norm"), norm));
    }
  });
  problems.check([&] {
    const std::string activation = map.text_or("activation", "gelu");
    if (activation != "gelu") {
      throw InputError(fmt::format("{}: activation '{}' is not supported, expected 'gelu'",
                                   map.location("activation"), activation));
    }
  });
  problems.check([&] { m.density = read_density(map.child_or_empty("activation_density")); });
  problems.check([&] { map.reject_unknown_keys(); });

  if (m.heads > 0 && m.head_dim > 0 && m.d_model > 0 && int64_t{m.heads} * m.head_dim != m.d_model) {
    problems.add(
        fmt::format("{}: heads × head_dim = {} × {} = {} differs from d_model {}, expected them equal",
                    map.location("head_dim"), m.heads, m.head_dim, int64_t{m.heads} * m.head_dim, m.d_model));
  }
  if (m.heads > 0 && m.kv_groups > 0 && m.heads % m.kv_groups != 0) {
    problems.add(fmt::format("{}: kv_groups {} does not divide the {} heads, expected a divisor of {}",
                             map.location("kv_groups"), m.kv_groups, m.heads, m.heads));
  }
  problems.throw_if_any();
  return m;
}

}  // namespace

ModelSpec parse_model(const std::string& yaml_text, const std::string& file) {
  return model_from_yaml(YamlMap::load_string(yaml_text, file), file);
}

ModelSpec load_model(const std::string& name_or_path, const std::string& models_dir) {
  const std::string path = resolve_config(name_or_path, models_dir, "model");
  return model_from_yaml(YamlMap::load_file(path), path);
}

}  // namespace neurokv
