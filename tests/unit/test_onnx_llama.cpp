// Llama-style ONNX exports (tests/fixtures/make_llama_onnx_fixtures.py): RMSNorm, RoPE, gated MLPs, grouped
// KV heads, fused or separate QKV projections. What the importer finds, PyTorch's logits, the YAML
// equivalence and the malformed variants.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "compiler/driver/compile.hpp"
#include "compiler/onnx/onnx_import.hpp"
#include "simulator/evaluate/evaluate.hpp"
#include "simulator/report_render.hpp"
#include "tests/e2e/cli_runner.hpp"
#include "tests/unit/compile_fixtures.hpp"
#include "tests/unit/onnx_fixtures.hpp"

using namespace neurokv;

namespace {

using test::kOnnxFixtures;
using test::onnx_fixture;

nlohmann::json llama_expected() {
  std::ifstream in(kOnnxFixtures + "llama-expected.json");
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("every Llama-style ONNX fixture imports with its shapes, norm, RoPE, MLP, KV heads and QKV form") {
  const nlohmann::json all = llama_expected();
  const nlohmann::json& shape = all["shape"];
  for (const auto& [name, want] : all["models"].items()) {
    INFO(name);
    const ImportedModel m = import_onnx(kOnnxFixtures + name + ".onnx");
    const ModelSpec& s = m.spec;
    CHECK(s.layers == shape["layers"].get<int>());
    CHECK(s.d_model == shape["d_model"].get<int>());
    CHECK(s.heads == shape["heads"].get<int>());
    CHECK(s.head_dim == shape["head_dim"].get<int>());
    CHECK(s.mlp_hidden == shape["mlp_hidden"].get<int>());
    CHECK(s.vocab == shape["vocab"].get<int>());
    CHECK(s.max_positions == shape["max_positions"].get<int>());
    CHECK(s.norm == NormKind::RmsNorm);
    CHECK_FALSE(s.norm_bias);
    CHECK_FALSE(s.bias);
    CHECK_FALSE(s.qkv_bias);
    CHECK(s.layernorm_epsilon == Approx(shape["norm_epsilon"].get<double>()).epsilon(1e-6));
    CHECK(s.positions == PositionKind::Rope);
    CHECK(s.rope.theta == shape["rope_theta"].get<double>());  // exact: the importer rounds a whole θ
    CHECK(s.mlp == (want["mlp"] == "swiglu" ? MlpKind::SwiGlu : MlpKind::GeGlu));
    CHECK(s.tied_lm_head == want["tied"].get<bool>());
    CHECK(parameter_count(m.weights) == want["parameters"].get<int64_t>());
    CHECK(m.weights.count("pos_embed") == 0);
    CHECK(m.weights.count("l1.mlp_gate") == 1);
    REQUIRE(m.layer_variants.size() == 2);
    for (std::size_t l = 0; l < 2; ++l) {
      CHECK(m.layer_variants[l].name() == want["variants"][l].get<std::string>());
      CHECK(m.layer_variants[l].kv_heads() == want["kv_heads"][l].get<int>());
      CHECK(m.qkv_projections[l] == want["qkv"][l].get<std::string>());
    }
  }
}

TEST_CASE("a fused QKV projection's parts are its rows: q first, then k, then v") {
  const ImportedModel m = import_onnx(kOnnxFixtures + "llama-fused-split.onnx");
  const FloatTensor& q = m.weights.at("l0.q_proj").weight;
  const FloatTensor& k = m.weights.at("l0.k_proj").weight;
  const FloatTensor& v = m.weights.at("l0.v_proj").weight;
  CHECK(q.dims == std::vector<int64_t>{64, 64});
  CHECK(k.dims == std::vector<int64_t>{32, 64});
  CHECK(v.dims == std::vector<int64_t>{32, 64});
  CHECK(q.values != k.values);
  CHECK(std::vector<float>(k.values.begin(), k.values.begin() + 64) !=
        std::vector<float>(v.values.begin(), v.values.begin() + 64));
}

TEST_CASE("the estimate of a Llama-style ONNX model equals the estimate of the equivalent YAML") {
  const HwConfig hw = test::chip("akida2-like");
  const ModelSpec base = load_model(std::string(NEUROKV_SOURCE_DIR) + "/tests/fixtures/llama-tiny.yaml", "");
  EvaluateOptions options;
  options.compile.context = 32;
  options.prompt = 8;
  const nlohmann::json models = llama_expected()["models"];
  for (const auto& [name, want] : models.items()) {
    INFO(name);
    ModelSpec yaml = base;
    yaml.tied_lm_head = want["tied"].get<bool>();
    yaml.mlp = want["mlp"] == "swiglu" ? MlpKind::SwiGlu : MlpKind::GeGlu;
    const ModelSource source = onnx_fixture(name);
    const LayerVariants variant = source.detected_variant();
    const Report from_onnx = evaluate(source, {variant}, hw, options);
    const Report from_yaml = evaluate(yaml, {variant}, hw, options);
    // Every figure of the variant's report (energy, latency, KV bytes, …), to the byte.
    CHECK(report_json(from_onnx)["variants"].dump() == report_json(from_yaml)["variants"].dump());
    CHECK(report_json(from_onnx)["variants"][0]["kv_cache_bytes_per_token"].get<int64_t>() > 0);
  }
}

TEST_CASE("malformed Llama-style exports exit 2 naming the file, the node and what was expected") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bad-llama-split-sizes",
       "node '/layers.0/self_attn/Split' (Split): splits layer 0's fused projection (128 outputs) into sizes "
       "[64, 32, 16] for 3 outputs, expected 3 positive sizes summing to 128"},
      {"bad-llama-rope-shape", "is [32, 12], expected [positions ≥ 2, head_dim 16] with an even head_dim"},
      {"bad-llama-rope-layout", "rotate_half layout: columns j and j + 8 share the angle"},
      {"bad-llama-rope-keys-only",
       "(Add): layer 0 has RoPE on keys only, expected no learned position embedding and RoPE"},
      {"bad-llama-gate-relu",
       "node '/layers.0/mlp/Sigmoid' (Relu): unexpected op on layer 0's MLP gate, expected SiLU (Sigmoid and "
       "Mul) or GELU"},
      {"bad-llama-slice-empty",
       "node '/layers.0/self_attn/Slice_1' (Slice): slices rows [100, 96) of layer 0's fused projection (128 "
       "outputs), expected a non-empty range"},
      {"bad-llama-tile-blocks",
       "node '/layers.0/self_attn/Tile' (Tile): repeats layer 0's 2 KV heads as whole blocks (query head i "
       "reads KV head i mod 2), expected each KV head repeated for its group of 2 query heads"},
      {"bad-llama-norm-axes",
       "node '/layers.0/input_layernorm/ReduceMean' (ReduceMean): a norm's mean over axes [0], expected the "
       "last axis (-1)"},
  };
  for (const auto& [name, message] : cases) {
    INFO(name);
    for (const std::string command : {"inspect ", "estimate --context 32 --model "}) {
      const test::CliResult r = test::run_cli(command + "'" + kOnnxFixtures + name + ".onnx'");
      CHECK(r.exit_code == 2);
      CHECK(r.out.empty());
      CHECK_THAT(r.err, Catch::Contains(message) && Catch::Contains(name + ".onnx: node '"));
    }
  }
}

TEST_CASE("inspect reports per layer the variant, heads, KV heads, head_dim, QKV form, norm, RoPE and MLP") {
  const test::CliResult text = test::run_cli("inspect '" + kOnnxFixtures + "llama-fused-slice.onnx'");
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out,
             Catch::Contains("layer 1: GQA-2 (4 heads, 2 KV heads, head_dim 16), projections fused, "
                             "Slice, rmsnorm, RoPE θ 10000, MLP geglu\n"));
  const test::CliResult r = test::run_cli("inspect '" + kOnnxFixtures + "llama-separate.onnx' --json -");
  REQUIRE(r.exit_code == 0);
  const nlohmann::json layer = nlohmann::json::parse(r.out)["attention"][0];
  CHECK(layer["variant"] == "GQA-2");
  CHECK(layer["heads"] == 4);
  CHECK(layer["kv_heads"] == 2);
  CHECK(layer["head_dim"] == 16);
  CHECK(layer["qkv"] == "separate");
  CHECK(layer["norm"] == "rmsnorm");
  CHECK(layer["positions"] == "rope");
  CHECK(layer["rope_theta"] == 10000.0);
  CHECK(layer["mlp"] == "swiglu");
}
