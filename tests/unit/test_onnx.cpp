#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "compiler/driver/compile.hpp"
#include "compiler/ir/parser.hpp"
#include "compiler/ir/printer.hpp"
#include "compiler/ir/verifier.hpp"
#include "compiler/support/error.hpp"
#include "simulator/evaluate/evaluate.hpp"
#include "simulator/program_facts.hpp"
#include "simulator/report_render.hpp"
#include "simulator/transaction/simulate.hpp"
#include "tests/e2e/cli_runner.hpp"
#include "tests/unit/compile_fixtures.hpp"
#include "tests/unit/onnx_fixtures.hpp"

using namespace neurokv;

namespace {

using test::kOnnxFixtures;
using test::onnx_fixture;

nlohmann::json expected() {
  std::ifstream in(kOnnxFixtures + "expected.json");
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("every ONNX fixture imports with its variant, KV heads, shapes and PyTorch's parameter count") {
  const nlohmann::json all = expected();
  for (const auto& [name, want] : all["models"].items()) {
    INFO(name);
    const ModelSource source = onnx_fixture(name);
    REQUIRE(source.layer_variants.size() == 2);
    for (std::size_t l = 0; l < source.layer_variants.size(); ++l) {
      CHECK(source.layer_variants[l].name() == want["variants"][l].get<std::string>());
      CHECK(source.layer_variants[l].kv_heads() == want["kv_heads"][l].get<int>());
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

TEST_CASE(
    "separate K and V initializers holding equal numbers are reported, per layer, and compiled as separate") {
  const ModelSource source = onnx_fixture("kv-equal");
  CHECK(source.detected_variant().name() == "QKV");
  int warnings = 0;
  for (const Diagnostic& d : source.diagnostics) {
    warnings += d.severity == Diagnostic::Severity::Warning &&
                d.message.find("K and V projections are separate") != std::string::npos;
  }
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
    const ModelSource source = onnx_fixture(name);
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
  const nlohmann::json models =
      expected()["models"];  // a range-for would not keep expected()'s temporary alive
  for (const auto& [name, want] : models.items()) {
    INFO(name);
    const ModelSource source = onnx_fixture(name);
    const LayerVariants variant = source.detected_variant();
    const Report from_onnx = evaluate(source, {variant}, hw, options);
    const Report from_yaml = evaluate(yaml, {variant}, hw, options);
    // Every figure of the variant's report, to the byte (the model's name differs, so only the variants).
    CHECK(report_json(from_onnx)["variants"].dump() == report_json(from_yaml)["variants"].dump());
  }
}

TEST_CASE(
    "a model whose layers differ in variant compiles layer by layer with V gone exactly in its K=V layer") {
  const ModelSource source = onnx_fixture("mixed");  // layer 0 QKV, layer 1 Q-MQA
  const LayerVariants variants = source.detected_variant();
  CHECK(variants.mixed());
  CHECK(variants.name() == "QKV/Q-MQA");
  CHECK(variants.kv_heads() == 0);
  CHECK(source.weights->count("l0.v_proj") == 1);
  CHECK(source.weights->count("l1.v_proj") == 0);

  const HwConfig hw = test::chip("akida2-like");
  CompileOptions options;
  options.context = 32;
  const ir::Program program = compile(source, variants, hw, options).program;
  CHECK(ir::verify_program(program).empty());
  CHECK(program.variant == "QKV/Q-MQA");
  CHECK(program.kv_heads == 0);
  CHECK(program.fused_kv);
  CHECK(ir::parameter_count(program) == expected()["models"]["mixed"]["parameters"].get<int64_t>());
  std::map<std::string, const ir::Op*> ops;
  for (const ir::Op& op : program.ops) ops[op.name] = &op;
  CHECK(ops.count("l0.v_proj") == 1);
  CHECK(ops.count("l1.v_proj") == 0);
  CHECK(ops.at("l0.attn_score")->kv_heads == 4);
  CHECK(ops.at("l1.attn_score")->kv_heads == 1);
  CHECK(ops.at("l1.k_proj")->out_features == 16);
  // Layer 0 keeps K and V for 4 heads, layer 1 K alone for one: the reduction is against QKV of this model.
  REQUIRE(program.buffers.size() == 3);
  const VariantReport facts = program_facts(program);
  const int64_t row = 16 * program.precision.kv_bits / 8;  // one head's cached row
  CHECK(facts.kv_cache_bytes_per_token == 4 * row + 4 * row + row);
  CHECK(facts.kv_cache_reduction == Approx(1.0 - 9.0 / 16.0));

  // The header's notation is a bare name of the .nkir v1 text form: it prints and parses back.
  const std::string text = ir::print_program(program);
  const ir::Program parsed = ir::parse_program(text, "mixed.nkir");
  CHECK(parsed.variant == "QKV/Q-MQA");
  CHECK(ir::print_program(parsed) == text);
  const SimulationResult sim = simulate(program, hw, SimOptions{4, 2, 1, "", ""});
  CHECK(sim.decode_tokens.size() == 2);
  CHECK(sim.cycles > 0);
}

TEST_CASE("compile takes an ONNX model's own variants (mixed ones included) when --variant is not given") {
  for (const char* name : {"mixed", "q-k=v"}) {
    INFO(name);
    const test::CliResult r =
        test::run_cli(std::string("compile --context 32 -o - --model '") + kOnnxFixtures + name + ".onnx'");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains(name == std::string("mixed") ? "variant QKV/Q-MQA\n"
                                                                   : "variant Q-K=V kv_heads=4\n"));
  }
  const test::CliResult refused =
      test::run_cli("compile --context 32 -v QKV --model '" + kOnnxFixtures + "mixed.onnx'");
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err,
             Catch::Contains("the model is QKV/Q-MQA") && Catch::Contains("expected no --variant"));
}

TEST_CASE("an imported model refuses another variant, naming both") {
  const ModelSource source = onnx_fixture("mqa");
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
      const test::CliResult r = test::run_cli(command + "'" + kOnnxFixtures + name + ".onnx'");
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Catch::Contains(message) && Catch::Contains(name + ".onnx"));
    }
  }
}

TEST_CASE("PyTorch's folded tied LM head is a note and equal K and V weights a warning") {
  const test::CliResult normal = test::run_cli("inspect '" + kOnnxFixtures + "qkv.onnx'");
  REQUIRE(normal.exit_code == 0);
  CHECK_THAT(normal.err, Catch::StartsWith("neurokv: note: ") && Catch::Contains("read as tied"));
  CHECK_THAT(normal.err, !Catch::Contains("warning:"));
  const test::CliResult equal = test::run_cli("inspect '" + kOnnxFixtures + "kv-equal.onnx' --json -");
  REQUIRE(equal.exit_code == 0);
  CHECK_THAT(equal.err,
             Catch::Contains("neurokv: warning: ") && Catch::Contains("K and V projections are separate"));
  const nlohmann::json j = nlohmann::json::parse(equal.out);
  CHECK(j["schema"] == "neurokv.inspect/2");
  CHECK(j["diagnostics"][0]["severity"] == "warning");
}

TEST_CASE("inspect reports the variant per layer, as text and JSON") {
  const test::CliResult r = test::run_cli("inspect '" + kOnnxFixtures + "q-gqa-2.onnx' --json -");
  REQUIRE(r.exit_code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["attention"][1]["variant"] == "Q-GQA-2");
  CHECK(j["attention"][1]["kv_heads"] == 2);
  CHECK(j["parameters"] == expected()["models"]["q-gqa-2"]["parameters"]);
}
