#include "compiler/config/model_spec.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <utility>
#include <vector>

#include "compiler/config/attention_variant.hpp"
#include "compiler/config/config_path.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/problem_list.hpp"
#include "compiler/support/yaml_choice.hpp"
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

const Choices<NormKind> kNorms{{"layernorm", NormKind::LayerNorm}, {"rmsnorm", NormKind::RmsNorm}};
const Choices<MlpKind> kMlps{{"gelu", MlpKind::Gelu}, {"swiglu", MlpKind::SwiGlu}, {"geglu", MlpKind::GeGlu}};
const Choices<PositionKind> kPositions{{"learned", PositionKind::Learned}, {"rope", PositionKind::Rope}};
const Choices<KeqVRope> kKeqVRope{{"read", KeqVRope::OnRead}, {"write", KeqVRope::OnWrite}};

// `mlp`, or its older spelling `activation` (a file may give one of them).
MlpKind read_mlp(const YamlMap& map) {
  if (map.has("mlp") && map.has("activation")) {
    throw InputError(
        fmt::format("{}: both 'mlp' and 'activation' are given, expected one of them ('activation' "
                    "is the older name of 'mlp')",
                    map.location("activation")));
  }
  return read_choice(map, map.has("activation") ? "activation" : "mlp", kMlps, MlpKind::Gelu);
}

// `tied_embeddings`, or its older spelling `tied_lm_head`.
bool read_tied(const YamlMap& map) {
  if (map.has("tied_embeddings") && map.has("tied_lm_head")) {
    throw InputError(
        fmt::format("{}: both 'tied_embeddings' and 'tied_lm_head' are given, expected one of them",
                    map.location("tied_lm_head")));
  }
  return map.boolean_or(map.has("tied_lm_head") ? "tied_lm_head" : "tied_embeddings", true);
}

// The rotary keys belong to `positions: rope`; with learned positions they would be silently meaningless.
RopeSpec read_rope(const YamlMap& map, PositionKind positions) {
  RopeSpec rope;
  for (const char* key : {"rope_theta", "rope_local_theta", "rope_fraction"}) {
    if (map.has(key) && positions != PositionKind::Rope) {
      throw InputError(
          fmt::format("{}: {} is given but positions are learned, expected 'positions: rope' with it",
                      map.location(key), key));
    }
  }
  rope.theta = map.number_or("rope_theta", rope.theta, 1.0, 1e12);
  rope.local_theta = map.number_or("rope_local_theta", 0, 1.0, 1e12);
  rope.fraction = map.number_or("rope_fraction", 1.0, 0.0, 1.0);
  return rope;
}

// `sliding_window: W` with `layer_pattern: [local, ..., global]`, repeated over the layers.
void read_window(const YamlMap& map, ModelSpec& m) {
  if (!map.has("sliding_window")) {
    if (map.has("layer_pattern")) {
      throw InputError(
          fmt::format("{}: layer_pattern without sliding_window, expected a sliding_window for "
                      "its local layers",
                      map.location("layer_pattern")));
    }
    return;
  }
  m.sliding_window = static_cast<int>(map.integer("sliding_window", 1, kMaxPositions));
  std::vector<bool> pattern;
  for (const YamlMap& item : map.list_items("layer_pattern", "a list of 'local' and 'global'")) {
    const std::string word = item.text(YamlMap::kItemKey);
    if (word != "local" && word != "global") {
      throw InputError(fmt::format("{}: layer kind '{}' is not supported, expected 'local' or 'global'",
                                   item.location(YamlMap::kItemKey), word));
    }
    pattern.push_back(word == "global");
  }
  if (m.layers <= 0) return;
  m.global_layers.resize(static_cast<std::size_t>(m.layers));
  for (std::size_t l = 0; l < m.global_layers.size(); ++l) m.global_layers[l] = pattern[l % pattern.size()];
}

// `kv_shared_from: {layer: source, ...}`: each listed layer reads its source's cache and has no K/V
// projection or cache of its own. A source is an earlier layer of the same kind (local or global: a cache
// holds what its window keeps) that has a cache of its own.
void read_kv_sharing(const YamlMap& map, ModelSpec& m) {
  if (!map.has("kv_shared_from")) return;
  const YamlMap shared = map.child("kv_shared_from");
  m.kv_shared_from.assign(static_cast<std::size_t>(m.layers), -1);
  ProblemList problems;
  for (const std::string& key : shared.keys()) {
    problems.check([&] {
      char* end = nullptr;
      const long layer = std::strtol(key.c_str(), &end, 10);
      if (key.empty() || *end != '\0' || layer < 0 || layer >= m.layers) {
        throw InputError(fmt::format("{}: layer '{}' is not a layer of the model, expected 0 to {}",
                                     shared.location(key), key, m.layers - 1));
      }
      const auto source = static_cast<int>(shared.integer(key, 0, m.layers - 1));
      if (source >= layer || m.is_global(source) != m.is_global(static_cast<int>(layer))) {
        throw InputError(fmt::format(
            "{}: layer {} reads layer {}'s KV cache, expected an earlier layer of the "
            "same kind ({})",
            shared.location(key), layer, source, m.is_global(static_cast<int>(layer)) ? "global" : "local"));
      }
      m.kv_shared_from[static_cast<std::size_t>(layer)] = source;
    });
  }
  for (int l = 0; l < m.layers; ++l) {
    const int source = m.shared_source(l);
    if (source >= 0 && m.shared_source(source) >= 0) {
      problems.add(
          fmt::format("{}: layer {} reads layer {}'s KV cache, which is itself shared from layer {}, "
                      "expected a layer with its own cache",
                      map.location("kv_shared_from"), l, source, m.shared_source(source)));
    }
  }
  problems.throw_if_any();
}

// Every problem of the file is reported in one run: each field is read on its own, and a check that needs
// other fields runs only when they were read.
ModelSpec model_from_yaml(const YamlMap& map, const std::string& file) {
  ModelSpec m;
  m.file = file;
  // A CNN model YAML (docs/models.md, "CNNs") would fail here key by key: say what it is instead.
  if (map.has("network")) {
    throw InputError(
        fmt::format("{}: a CNN model (network: {}), which only `neurokv estimate`, `neurokv compile` and "
                    "`neurokv exec` take "
                    "today; "
                    "expected a transformer model YAML",
                    map.location("network"), map.text("network")));
  }
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
  problems.check([&] { m.kv_heads = static_cast<int>(map.integer_or("kv_heads", 0, 1, 4096)); });
  problems.check([&] { m.bias = map.boolean_or("bias", true); });
  problems.check([&] { m.qkv_bias = map.boolean_or("qkv_bias", m.bias); });
  problems.check([&] { m.tied_lm_head = read_tied(map); });
  problems.check([&] { m.norm = read_choice(map, "norm", kNorms, NormKind::LayerNorm); });
  // RMSNorm has a gain only unless the file says otherwise; LayerNorm follows `bias` (nanoGPT's).
  problems.check([&] { m.norm_bias = map.boolean_or("norm_bias", m.bias && m.norm == NormKind::LayerNorm); });
  problems.check([&] { m.layernorm_epsilon = map.number_or("norm_epsilon", 1e-5, 1e-12, 1.0); });
  problems.check([&] { m.mlp = read_mlp(map); });
  if (m.mlp == MlpKind::GeGlu) m.gelu = GeluForm::Tanh;  // Gemma's gelu_pytorch_tanh
  problems.check([&] { m.positions = read_choice(map, "positions", kPositions, PositionKind::Learned); });
  problems.check([&] { m.rope = read_rope(map, m.positions); });
  problems.check([&] { m.qk_norm = map.boolean_or("qk_norm", false); });
  problems.check([&] { m.post_norms = map.boolean_or("post_norms", false); });
  problems.check([&] { m.k_eq_v_rope = read_choice(map, "k_eq_v_rope", kKeqVRope, KeqVRope::OnRead); });
  problems.check([&] { m.density = read_density(map.child_or_empty("activation_density")); });
  problems.check([&] { m.local_variant = map.text_or("local_variant", ""); });
  problems.check([&] { m.global_variant = map.text_or("global_variant", ""); });
  const bool window_read = problems.check([&] { read_window(map, m); });
  map.has("kv_shared_from");  // read below, once the layers and their kinds are known
  problems.check([&] { map.reject_unknown_keys(); });

  if (m.heads > 0 && m.kv_groups > 0 && m.heads % m.kv_groups != 0) {
    problems.add(fmt::format("{}: kv_groups {} does not divide the {} heads, expected a divisor of {}",
                             map.location("kv_groups"), m.kv_groups, m.heads, m.heads));
  }
  if (m.heads > 0 && m.kv_heads > 0 && m.heads % m.kv_heads != 0) {
    problems.add(fmt::format("{}: kv_heads {} does not divide the {} heads, expected a divisor of {}",
                             map.location("kv_heads"), m.kv_heads, m.heads, m.heads));
  }
  if (m.kv_heads == 0) m.kv_heads = m.heads;
  if (m.positions == PositionKind::Rope && m.head_dim > 0 && m.rope.rotary_dims(m.head_dim) < 2) {
    problems.add(fmt::format(
        "{}: rope_fraction {} rotates {} of the {} dimensions of a head, expected at "
        "least 2",
        map.location("rope_fraction"), m.rope.fraction, m.rope.rotary_dims(m.head_dim), m.head_dim));
  }
  if (window_read && m.layers > 0) problems.check([&] { read_kv_sharing(map, m); });
  if (map.has("local_variant") && m.sliding_window == 0) {
    problems.add(
        fmt::format("{}: local_variant without sliding_window, expected a sliding_window (the model "
                    "has no local layers otherwise)",
                    map.location("local_variant")));
  }
  for (const auto& [key, name] :
       {std::pair{"local_variant", m.local_variant}, {"global_variant", m.global_variant}}) {
    if (name.empty() || m.heads <= 0) continue;
    problems.check([&, key = key, name = name] {
      try {
        AttentionVariant::parse(name, m.heads, m.kv_heads);
      } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", map.location(key), e.what()));
      }
    });
  }
  problems.throw_if_any();
  return m;
}

}  // namespace

std::string to_string(NormKind kind) { return word_of(kNorms, kind); }
std::string to_string(MlpKind kind) { return word_of(kMlps, kind); }
std::string to_string(PositionKind kind) { return word_of(kPositions, kind); }

ModelSpec parse_model(const std::string& yaml_text, const std::string& file) {
  return model_from_yaml(YamlMap::load_string(yaml_text, file), file);
}

ModelSpec load_model(const std::string& name_or_path, const std::string& models_dir) {
  const std::string path = resolve_config(name_or_path, models_dir, "model");
  return model_from_yaml(YamlMap::load_file(path), path);
}

}  // namespace neurokv
