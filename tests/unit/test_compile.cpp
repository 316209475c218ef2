#include <catch2/catch.hpp>
#include <map>

#include "compiler/driver/compile.hpp"
#include "compiler/driver/compile_summary.hpp"
#include "compiler/driver/pass_text.hpp"
#include "compiler/ir/printer.hpp"
#include "compiler/ir/verifier.hpp"
#include "compiler/support/error.hpp"
#include "tests/unit/compile_fixtures.hpp"

using neurokv::AttentionVariant;
using neurokv::compile;
using neurokv::CompileOptions;
using namespace neurokv::ir;

namespace {

Program compile_program(const std::string& model_name, const std::string& variant_name,
                        const CompileOptions& options = {}, const std::string& chip_name = "akida2-like") {
  const auto model = neurokv::test::model(model_name);
  return compile(model, AttentionVariant::parse(variant_name, model.heads), neurokv::test::chip(chip_name),
                 options)
      .program;
}

int64_t kv_bytes_per_token(const Program& p) {
  int64_t total = 0;
  for (const Buffer& b : p.buffers) total += b.bytes_per_token;
  return total;
}

// Every problem the verifier finds, one per line: capacities (resident and streamed weights, the KV share of
// input SRAM), weight bytes, placement, routes and both schedules.
std::string problems(const Program& p) {
  std::string text;
  for (const std::string& problem : verify_program(p)) text += problem + "\n";
  return text;
}

}  // namespace

TEST_CASE("every model compiles for every variant on akida2-like, within the chip") {
  for (const std::string name : {"edge-tiny", "paper-300m", "paper-1.2b"}) {
    const auto model = neurokv::test::model(name);
    for (const auto& variant : AttentionVariant::parse_list("all", model.heads, model.kv_groups)) {
      INFO(name << " " << variant.name());
      const Program p = compile(model, variant, neurokv::test::chip("akida2-like"), {}).program;
      CHECK(p.variant == variant.name());
      CHECK(p.kv_heads == variant.kv_heads());
      CHECK(problems(p).empty());
    }
  }
}

TEST_CASE("paper-300m parameter counts equal the paper's") {
  const int64_t gqa_cut = 2 * 20 * (1024 * 768 + 768);
  CHECK(parameter_count(compile_program("paper-300m", "QKV")) == 305534976);
  CHECK(parameter_count(compile_program("paper-300m", "Q-K=V")) == 284542976);
  CHECK(parameter_count(compile_program("paper-300m", "Q=K-V")) == 284542976);
  CHECK(parameter_count(compile_program("paper-300m", "Q=K=V")) == 263550976);
  CHECK(parameter_count(compile_program("paper-300m", "GQA-4")) == 305534976 - gqa_cut);
}

TEST_CASE("a model without biases counts LayerNorm gains only and no Linear biases (nanoGPT's bias: false)") {
  auto model = neurokv::test::model("edge-tiny");
  const auto hw = neurokv::test::chip("akida2-like");
  const auto qkv = AttentionVariant::parse("QKV", model.heads);
  const Program with = compile(model, qkv, hw, {}).program;
  model.bias = model.qkv_bias = model.norm_bias = false;  // what `bias: false` reads as
  const Program without = compile(model, qkv, hw, {}).program;
  const int64_t d = model.d_model, width = int64_t{model.heads} * model.head_dim;
  // Per layer: q, k, v, o, mlp_up, mlp_down biases and ln1, ln2 biases; then ln_f's bias. The LM head has
  // none.
  const int64_t biases = model.layers * (3 * width + d + model.mlp_hidden + d + 2 * d) + d;
  CHECK(parameter_count(with) - parameter_count(without) == biases);
  CHECK(problems(without).empty());  // LayerNorm tiles hold the gain only, and the verifier agrees
}

TEST_CASE("eliminated projections are absent, not zeroed") {
  const Program qkv = compile_program("paper-300m", "QKV");
  for (LinearRole role : {LinearRole::Q, LinearRole::K, LinearRole::V, LinearRole::O})
    CHECK(count_linear(qkv, role) == 20);
  const Program q_kv = compile_program("paper-300m", "Q-K=V");
  CHECK(count_linear(q_kv, LinearRole::V) == 0);
  CHECK(count_linear(q_kv, LinearRole::Q) == 20);
  const Program qk_v = compile_program("paper-300m", "Q=K-V");
  CHECK(count_linear(qk_v, LinearRole::Q) == 0);
  CHECK(count_linear(qk_v, LinearRole::V) == 20);
  const Program qkv_tied = compile_program("paper-300m", "Q=K=V");
  CHECK(count_linear(qkv_tied, LinearRole::Q) == 0);
  CHECK(count_linear(qkv_tied, LinearRole::V) == 0);
  CHECK(count_linear(qkv_tied, LinearRole::K) == 20);
}

TEST_CASE("Q-K=V saves exactly the V projection's weight bytes") {
  for (int bits : {4, 8}) {
    CompileOptions options;
    options.weight_bits = bits;
    const int64_t v_proj = 20 * (((1024 * 1024 + 1024) * int64_t{bits} + 7) / 8);
    CHECK(weight_bytes(compile_program("paper-300m", "Q-K=V", options)) ==
          weight_bytes(compile_program("paper-300m", "QKV", options)) - v_proj);
  }
}

TEST_CASE("KV bytes per token at 16-bit match the paper's") {
  CompileOptions options;
  options.kv_bits = 16;
  const std::map<std::string, int64_t> expected = {{"QKV", 81920}, {"Q-K=V", 40960},   {"GQA-4", 20480},
                                                   {"MQA", 5120},  {"Q-GQA-4", 10240}, {"Q-MQA", 2560}};
  for (const auto& [variant, bytes] : expected) {
    INFO(variant);
    CHECK(kv_bytes_per_token(compile_program("paper-300m", variant, options)) == bytes);
  }
}

TEST_CASE("edge-tiny stays on chip, paper-1.2b streams") {
  CompileOptions own_positions;
  own_positions.context = 512;  // edge-tiny's learned positions: a KV head (32 KiB) fills one NP's KV share
  const Program tiny = compile_program("edge-tiny", "QKV", own_positions);
  for (const Op& op : tiny.ops) {
    CHECK(op.weights == Storage::Sram);
    for (const Tile& t : op.tiles) CHECK(t.pass == 0);
  }
  for (const Buffer& b : tiny.buffers) CHECK(b.location == Storage::Sram);
  // At the default 2048 positions a head needs 128 KiB, more than an NP holds beside its readers: DRAM.
  for (const Buffer& b : compile_program("edge-tiny", "QKV").buffers) CHECK(b.location == Storage::Dram);
  const Program big = compile_program("paper-1.2b", "QKV");
  int streamed = 0;
  for (const Op& op : big.ops) streamed += op.weights == Storage::Dram;
  CHECK(streamed > 0);
}

TEST_CASE("fused K=V reads the keys once per layer, unfused twice") {
  CompileOptions unfused;
  unfused.fuse_kv = false;
  auto reads = [](const Program& p) {
    int n = 0;
    for (const Op& op : p.ops) n += op.kind == OpKind::KvRead;
    return n;
  };
  const Program fused = compile_program("edge-tiny", "Q-K=V");
  CHECK(fused.fused_kv);
  CHECK(reads(fused) == 4);
  CHECK(fused.buffers.size() == 4);
  const Program split = compile_program("edge-tiny", "Q-K=V", unfused);
  CHECK_FALSE(split.fused_kv);
  CHECK(reads(split) == 8);
  CHECK(split.buffers.size() == 4);
  CHECK(reads(compile_program("edge-tiny", "QKV")) == 8);
}

TEST_CASE("a chip without DRAM and with tiny SRAM fails naming the op") {
  auto hw = neurokv::test::chip("akida2-like");
  hw.dram.present = false;
  hw.np.weight_sram_bytes = 4096;
  const auto model = neurokv::test::model("edge-tiny");
  CompileOptions options;
  options.context = 512;  // the KV cache fits the NPs' input SRAM; the weights are what does not
  CHECK_THROWS_WITH(
      compile(model, AttentionVariant::parse("QKV", model.heads), hw, options),
      Catch::Contains("op ") && Catch::Contains("bytes of weight SRAM") && Catch::Contains("no DRAM"));
  hw.np.weight_sram_bytes = 200;
  CHECK_THROWS_AS(compile(model, AttentionVariant::parse("QKV", model.heads), hw, options),
                  neurokv::MappingError);
  CHECK_THROWS_WITH(compile(model, AttentionVariant::parse("QKV", model.heads), hw, options),
                    Catch::Contains("op pos_embed needs 512 bytes of weight SRAM for one output channel"));
}

TEST_CASE("a bit width the chip lacks is an input error naming the flag") {
  CompileOptions options;
  options.weight_bits = 3;
  CHECK_THROWS_WITH(compile_program("edge-tiny", "QKV", options),
                    Catch::Contains("--weight-bits 3") && Catch::Contains("4, 8"));
  options = {};
  options.act_bits = 16;
  CHECK_THROWS_AS(compile_program("edge-tiny", "QKV", options), neurokv::InputError);
  options = {};
  options.kv_bits = 2;
  CHECK_THROWS_WITH(compile_program("edge-tiny", "QKV", options),
                    Catch::Contains("--kv-bits 2") && Catch::Contains("4, 8, 16"));
}

TEST_CASE("compiling twice gives the same program") {
  for (const std::string variant : {"QKV", "Q-GQA-8"}) {
    const Program a = compile_program("paper-1.2b", variant);
    const Program b = compile_program("paper-1.2b", variant);
    REQUIRE(a.ops.size() == b.ops.size());
    for (std::size_t i = 0; i < a.ops.size(); ++i) {
      CHECK(a.ops[i].name == b.ops[i].name);
      CHECK(a.ops[i].inputs == b.ops[i].inputs);
      REQUIRE(a.ops[i].tiles.size() == b.ops[i].tiles.size());
      for (std::size_t t = 0; t < a.ops[i].tiles.size(); ++t) {
        CHECK(a.ops[i].tiles[t].np == b.ops[i].tiles[t].np);
        CHECK(a.ops[i].tiles[t].pass == b.ops[i].tiles[t].pass);
      }
    }
    REQUIRE(a.routes.size() == b.routes.size());
    for (std::size_t i = 0; i < a.routes.size(); ++i) {
      CHECK(a.routes[i].dst_tiles == b.routes[i].dst_tiles);
      CHECK(a.routes[i].hops == b.routes[i].hops);
    }
  }
}

// What a sweep does (sweep/compile_cache.cpp): the front passes once per model and variant, every context and
// chip compiled from a copy of their graph.
TEST_CASE("compiling from a shared front gives the program and notes compile() gives") {
  int programs = 0, refused = 0;
  for (const std::string name : {"edge-tiny", "paper-300m", "gemma-3-270m", "llama-3.2-1b"}) {
    const auto model = neurokv::test::model(name);
    for (const std::string chip_name : {"akida2-like", "akd1000-like"}) {
      const auto hw = neurokv::test::chip(chip_name);
      for (const auto& variant : AttentionVariant::parse_list("all", model.heads, model.kv_groups)) {
        const auto front = neurokv::compile_front(model, variant, hw, {});
        for (const int64_t context : {64, 2048}) {
          INFO(name << " " << chip_name << " " << variant.name() << " context " << context);
          CompileOptions options;
          options.context = context;
          std::string direct_error, shared_error;
          neurokv::CompileResult direct, shared;
          try {
            direct = compile(model, variant, hw, options);
          } catch (const neurokv::MappingError& e) {
            direct_error = e.what();
          }
          try {
            shared = compile(model, *front, hw, options);
          } catch (const neurokv::MappingError& e) {
            shared_error = e.what();
          }
          CHECK(shared_error == direct_error);
          CHECK(print_program(shared.program) == print_program(direct.program));
          CHECK(shared.diagnostics == direct.diagnostics);
          ++(direct_error.empty() ? programs : refused);
        }
      }
    }
  }
  CHECK(programs == 112);  // 28 variants ("all" of the four models) × 2 chips × 2 contexts
  CHECK(refused == 0);
}

TEST_CASE("the summary counts ops and reports the cache") {
  const auto model = neurokv::test::model("paper-300m");
  CompileOptions options;
  options.kv_bits = 16;
  const auto result = compile(model, AttentionVariant::parse("Q-K=V", model.heads),
                              neurokv::test::chip("akida2-like"), options);
  const auto summary = neurokv::compile_summary(result);
  CHECK(summary["variant"] == "Q-K=V");
  CHECK(summary["op_counts"]["q_proj"] == 20);
  CHECK(summary["op_counts"]["v_proj"] == 0);
  CHECK(summary["op_counts"]["kv_read"] == 20);
  CHECK(summary["op_counts"]["kv_append"] == 20);
  CHECK(summary["op_counts"]["lm_head"] == 1);
  CHECK(summary["params"] == 284542976);
  CHECK(summary["kv_cache"]["bytes_per_token"] == 40960);
  CHECK(summary["nps_total"] == 256);
  CHECK(summary["passes"].size() == 9);
  CHECK(summary["dram_weight_bytes"].get<int64_t>() > 0);
}

TEST_CASE("compile's stages are the names --print-after takes, and it keeps the texts asked for, in order") {
  const auto model = neurokv::test::model("edge-tiny");
  std::vector<neurokv::PassText> texts;
  const auto result =
      compile(model, AttentionVariant::parse("Q-MQA", model.heads), neurokv::test::chip("akida2-like"),
              CompileOptions{}, {"lower", "apply_variant"}, texts);
  std::vector<std::string> timed;
  for (const auto& pass : result.passes) timed.push_back(pass.name);
  CHECK(timed == neurokv::compile_pass_names());
  REQUIRE(texts.size() == 2);
  CHECK(texts[0].pass == "apply_variant");
  CHECK(texts[0].text.find(" variant=Q-MQA kv_heads=1 ") != std::string::npos);
  CHECK(texts[0].text.find("v_proj") == std::string::npos);  // Q-MQA has no V projection
  CHECK(texts[1].pass == "lower");
  CHECK(texts[1].text == print_program(result.program));
}
