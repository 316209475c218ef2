#include <catch2/catch.hpp>

#include "compiler/config/model_spec.hpp"
#include "compiler/support/error.hpp"

using neurokv::InputError;
using neurokv::load_model;
using neurokv::parse_model;

namespace {
const std::string kModels = std::string(NEUROKV_SOURCE_DIR) + "/models";
const std::string kTiny = R"(name: t
layers: 2
d_model: 128
heads: 4
head_dim: 32
mlp_hidden: 512
vocab: 1000
max_positions: 256
kv_groups: 2
)";
}  // namespace

TEST_CASE("the shipped models load by name with the paper's shapes") {
  const auto m300 = load_model("paper-300m", kModels);
  CHECK(m300.layers == 20);
  CHECK(m300.d_model == 1024);
  CHECK(m300.heads == 16);
  CHECK(m300.head_dim == 64);
  CHECK(m300.mlp_hidden == 4096);
  CHECK(m300.vocab == 50304);
  CHECK(m300.max_positions == 2048);
  CHECK(m300.kv_groups == 4);
  const auto m12 = load_model("paper-1.2b", kModels);
  CHECK(m12.layers == 22);
  CHECK(m12.d_model == 2048);
  CHECK(m12.heads == 32);
  CHECK(m12.kv_groups == 8);
  CHECK(load_model("edge-tiny", kModels).layers == 4);
  CHECK(load_model(kModels + "/edge-tiny.yaml", kModels).name == "edge-tiny");
}

TEST_CASE("a minimal model takes the documented defaults") {
  const auto m = parse_model(kTiny, "tiny.yaml");
  CHECK(m.bias);
  CHECK(m.tied_lm_head);
  CHECK(m.density.mlp_hidden == Approx(0.3));
}

TEST_CASE("bad model files name the file, the line and what was expected") {
  CHECK_THROWS_WITH(parse_model(kTiny + "layers_extra: 3\n", "m.yaml"),
                    Catch::Contains("m.yaml:10:1: unknown key 'layers_extra'"));
  CHECK_THROWS_WITH(parse_model("name: t\nlayers: -1\n", "m.yaml"),
                    Catch::Contains("m.yaml:2:9: 'layers' is -1, expected an integer in [1, 1024]"));
  CHECK_THROWS_WITH(parse_model("name: t\nlayers: many\n", "m.yaml"), Catch::Contains("is not an integer"));
  CHECK_THROWS_WITH(parse_model("name: t\nlayers: 1000000000000\n", "m.yaml"),
                    Catch::Contains("expected an integer in [1, 1024]"));
  CHECK_THROWS_WITH(parse_model("name: [t\n", "m.yaml"), Catch::Contains("m.yaml:2:1: YAML syntax error"));
  CHECK_THROWS_WITH(parse_model("", "m.yaml"), Catch::Contains("the file is empty"));
  CHECK_THROWS_WITH(parse_model("name: t\n", "m.yaml"), Catch::Contains("missing key 'layers'"));
  // head_dim is the model's own (Gemma-3: 4 × 256 beside d_model 640); kv_heads must divide the heads.
  std::string wide_heads = kTiny;
  wide_heads.replace(wide_heads.find("head_dim: 32"), 12, "head_dim: 30");
  CHECK(parse_model(wide_heads, "m.yaml").head_dim == 30);
  CHECK_THROWS_WITH(parse_model(kTiny + "kv_heads: 3\n", "m.yaml"),
                    Catch::Contains("kv_heads 3 does not divide the 4 heads"));
  std::string bad_groups = kTiny;
  bad_groups.replace(bad_groups.find("kv_groups: 2"), 12, "kv_groups: 3");
  CHECK_THROWS_WITH(parse_model(bad_groups, "m.yaml"),
                    Catch::Contains("kv_groups 3 does not divide the 4 heads"));
  CHECK_THROWS_WITH(parse_model(kTiny + "activation_density: {mlp_hidden: 1.5}\n", "m.yaml"),
                    Catch::Contains("'activation_density.mlp_hidden' is 1.5, expected a number in [0, 1]"));
  CHECK_THROWS_AS(load_model("no-such-model", kModels), InputError);
}

TEST_CASE("a model file's problems are all reported one per line, and kv_groups is optional") {
  CHECK_THROWS_WITH(
      parse_model("name: t\nd_model: 64\nhead_dim: 16\nmlp_hidden: 64\nmax_positions: 8\n"
                  "colour: red\n",
                  "m.yaml"),
      "m.yaml:1:1: missing key 'layers'\n"
      "m.yaml:1:1: missing key 'heads'\n"
      "m.yaml:1:1: missing key 'vocab'\n"
      "m.yaml:6:1: unknown key 'colour', expected one of: activation, activation_density, bias, "
      "d_model, description, global_variant, head_dim, heads, k_eq_v_rope, kv_groups, kv_heads, "
      "kv_shared_from, layer_pattern, layers, local_variant, max_positions, mlp, mlp_hidden, name, network, "
      "norm, norm_bias, norm_epsilon, positions, post_norms, qk_norm, qkv_bias, rope_fraction, "
      "rope_local_theta, "
      "rope_theta, sliding_window, source, tied_embeddings, tied_lm_head, vocab");
  std::string no_groups = kTiny;
  no_groups.erase(no_groups.find("kv_groups: 2\n"), 13);
  CHECK(parse_model(no_groups, "m.yaml").kv_groups == 0);
}
