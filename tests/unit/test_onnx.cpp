#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "compiler/compile.hpp"
#include "compiler/error.hpp"
#include "compiler/model_source.hpp"
#include "simulator/cycle/simulate.hpp"
#include "simulator/evaluate.hpp"
#include "simulator/report_render.hpp"
#include "tests/e2e/cli_runner.hpp"
#include "tests/unit/compile_fixtures.hpp"

using namespace neurokv;

namespace {

const std::string kFixtures = std::string(NEUROKV_SOURCE_DIR) + "/tests/fixtures/onnx/";

nlohmann::json expected() {
  std::ifstream in(kFixtures + "expected.json");
  return nlohmann::json::parse(in);
}

ModelSource fixture(const std::string& name) { return load_model_source(kFixtures + name + ".onnx", ""); }

}  // namespace

TEST_CASE("every ONNX fixture imports with its variant, KV heads, shapes and PyTorch's parameter count") {
  const nlohmann::json all = expected();
  for (const auto& [name, want] : all["models"].items()) {
    INFO(name);
    const ModelSource source = fixture(name);
    REQUIRE(source.layer_variants.size() == 2);
    for (const AttentionVariant& variant : source.layer_variants) {
      CHECK(variant.name() == want["variant"].get<std::string>());
      CHECK(variant.kv_heads() == want["kv_heads"].get<int>());
    }
    CHECK(parameter_count(*source.weights) == want["parameters"].get<int64_t>());
    const nlohmann::json& shape = all["shape"];
    CHECK(source.spec.layers == shape["layers"].get<int>());
    CHECK(source.spec.d_model == shape["d_model"].get<int>());
    CHECK(source.spec.heads == shape["heads"].get<int>());
    CHECK(source.spec.head_dim == shape["head_dim"].get<int>());
    CHECK(source.spec.mlp_hidden == shape["mlp_hidden"].get<int>());
    CHECK(source.spec.vocab == shape["vocab"].get<int>());
    CHECK(source.spec.max_positions == shape["max_positions"].get<int>());
    CHECK(source.spec.tied_lm_head);
  }
}

TEST_CASE("separate K and V initializers holding equal numbers are reported, per layer, and compiled as separate") {
  const ModelSource source = fixture("kv-equal");
  CHECK(source.detected_variant().name() == "QKV");
  int warnings = 0;
  for (const std::string& d : source.diagnostics) warnings += d.find("K and V projections are separate") != std::string::npos;
  CHECK(warnings == 2);
  CHECK(source.weights->count("l0.v_proj") == 1);
}

TEST_CASE("an imported model compiles and simulates, and its program counts PyTorch's parameters") {
  const HwConfig hw = test::chip("akida2-like");
  const nlohmann::json all = expected();
  CompileOptions options;
  options.context = 32;
  for (const char* name : {"qkv", "q-k=v", "q=k=v", "q-mqa"}) {
    INFO(name);
    const ModelSource source = fixture(name);
    const ir::Program program = compile(source, source.detected_variant(), hw, options).program;
    CHECK(ir::parameter_count(program) == all["models"][name]["parameters"].get<int64_t>());
    const SimulationResult sim = simulate(program, hw, SimOptions{4, 2, 1, "", ""});
    CHECK(sim.decode_tokens.size() == 2);
    CHECK(sim.cycles > 0);
  }
}

TEST_CASE("the estimate from an ONNX model equals the estimate from the equivalent YAML") {
  const HwConfig hw = test::chip("akida2-like");
  const ModelSpec yaml = load_model(std::string(NEUROKV_SOURCE_DIR) + "/tests/fixtures/onnx-tiny.yaml", "");
  EvaluateOptions options;
  options.compile.context = 32;
  options.prompt = 8;
  for (const auto& [name, want] : expected()["models"].items()) {
    INFO(name);
    const ModelSource source = fixture(name);
    const AttentionVariant variant = source.detected_variant();
    const Report from_onnx = evaluate(source, {variant}, hw, options);
    const Report from_yaml = evaluate(yaml, {variant}, hw, options);
    // Every figure of the variant's report, to the byte (the model's name differs, so only the variants).
    CHECK(report_json(from_onnx)["variants"].dump() == report_json(from_yaml)["variants"].dump());
  }
}

TEST_CASE("an imported model refuses another variant, naming both") {
  const ModelSource source = fixture("mqa");
  REQUIRE_THROWS_AS(source.check_variant(AttentionVariant::parse("QKV", 4)), InputError);
  try {
    source.check_variant(AttentionVariant::parse("QKV", 4));
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("MQA") && Catch::Contains("QKV"));
  }
}

TEST_CASE("bad ONNX files exit 2 through the CLI with a message naming the file and what was expected") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bad-truncated", "not a readable ONNX model"},
      {"bad-not-onnx", "not a readable ONNX model"},
      {"bad-unknown-op", "'/blocks.0/attn/Sin' (Sin)"},
      {"bad-missing-initializer", "(MatMul): input 'onnx::MatMul_351' is not defined"},
  };
  for (const auto& [name, message] : cases) {
    INFO(name);
    for (const std::string command : {"inspect ", "estimate --context 32 --model "}) {
      const test::CliResult r = test::run_cli(command + "'" + kFixtures + name + ".onnx'");
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Catch::Contains(message) && Catch::Contains(name + ".onnx"));
    }
  }
}

TEST_CASE("inspect reports the variant per layer, as text and JSON") {
  const test::CliResult r = test::run_cli("inspect '" + kFixtures + "q-gqa-2.onnx' --json -");
  REQUIRE(r.exit_code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["attention"][1]["variant"] == "Q-GQA-2");
  CHECK(j["attention"][1]["kv_heads"] == 2);
  CHECK(j["parameters"] == expected()["models"]["q-gqa-2"]["parameters"]);
}
