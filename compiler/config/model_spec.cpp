#include "compiler/config/model_spec.hpp"

#include <fmt/format.h>

#include "compiler/config/config_path.hpp"
#include "compiler/support/error.hpp"
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

ModelSpec model_from_yaml(const YamlMap& map, const std::string& file) {
  ModelSpec m;
  m.file = file;
  m.name = map.text("name");
  map.text_or("description", "");
  map.text_or("source", "");
  m.layers = static_cast<int>(map.integer("layers", 1, kMaxLayers));
  m.d_model = static_cast<int>(map.integer("d_model", 1, kMaxWidth));
  m.heads = static_cast<int>(map.integer("heads", 1, 4096));
  m.head_dim = static_cast<int>(map.integer("head_dim", 1, kMaxWidth));
  m.mlp_hidden = static_cast<int>(map.integer("mlp_hidden", 1, kMaxWidth));
  m.vocab = static_cast<int>(map.integer("vocab", 1, kMaxVocab));
  m.max_positions = static_cast<int>(map.integer("max_positions", 1, kMaxPositions));
  m.kv_groups = static_cast<int>(map.integer("kv_groups", 1, 4096));
  m.bias = map.boolean_or("bias", true);
  m.tied_lm_head = map.boolean_or("tied_lm_head", true);
  const std::string norm = map.text_or("norm", "layernorm");
  const std::string activation = map.text_or("activation", "gelu");
  m.density = read_density(map.child_or_empty("activation_density"));
  map.reject_unknown_keys();

  if (norm != "layernorm") {
    throw InputError(
        fmt::format("{}: norm '{}' is not supported, expected 'layernorm'", map.location("norm"), norm));
  }
  if (activation != "gelu") {
    throw InputError(fmt::format("{}: activation '{}' is not supported, expected 'gelu'",
                                 map.location("activation"), activation));
  }
  if (static_cast<int64_t>(m.heads) * m.head_dim != m.d_model) {
    throw InputError(
        fmt::format("{}: heads × head_dim = {} × {} = {} differs from d_model {}, expected them equal",
                    map.location("head_dim"), m.heads, m.head_dim, static_cast<int64_t>(m.heads) * m.head_dim,
                    m.d_model));
  }
  if (m.heads % m.kv_groups != 0) {
    throw InputError(fmt::format("{}: kv_groups {} does not divide the {} heads, expected a divisor of {}",
                                 map.location("kv_groups"), m.kv_groups, m.heads, m.heads));
  }
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
