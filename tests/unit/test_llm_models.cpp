// Today's small LLMs from model YAML: the shipped configurations hold their published parameter totals and
// KV bytes per token, the paper's variants apply to them, and the Gemma-4-like model has K=V global layers
// (one cache tensor, keys rotated on read), sliding local layers (capped caches) and shared KV caches.
#include <catch2/catch.hpp>
#include <cmath>

#include "compiler/driver/compile.hpp"
#include "compiler/support/error.hpp"
#include "compiler/weights/program_weights.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/float_kernels.hpp"
#include "simulator/functional/op_tensors.hpp"
#include "simulator/functional/synthetic_weights.hpp"
#include "simulator/work.hpp"
#include "tests/unit/compile_fixtures.hpp"

using namespace neurokv;

namespace {

ir::Program build(const ModelSpec& model, const LayerVariants& variants, int64_t context = 2048) {
  CompileOptions options;
  options.context = context;
  return compile(model, variants, test::chip("akida2-like"), options).program;
}

ir::Program build(const std::string& name, const std::string& variant, int64_t context = 2048) {
  const ModelSpec model = test::model(name);
  return build(model, AttentionVariant::parse(variant, model.heads, model.kv_heads), context);
}

int64_t kv_bytes_per_token(const ir::Program& p) {
  int64_t bytes = 0;
  for (const ir::Buffer& b : p.buffers) bytes += b.bytes_per_token;
  return bytes;
}

const ir::Op* find(const ir::Program& p, const std::string& name) {
  for (const ir::Op& op : p.ops) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

}  // namespace

// The published totals (docs/models.md names each figure's source): the sum of every tensor of the released
// checkpoint, which Hugging Face shows rounded on each model page. KV bytes at the default 8-bit cache:
// layers × 2 (K and V) × KV heads × head_dim.
TEST_CASE("shipped LLMs: parameters and KV bytes per token equal the published configurations") {
  struct Expected {
    const char* model;
    const char* variant;  // what QKV becomes on the model's own KV heads
    int64_t params;
    int64_t kv_bytes;
  };
  const Expected models[] = {
      {"smollm2-135m", "GQA-3", 134'515'008, 30 * 2 * 3 * 64},
      {"smollm2-360m", "GQA-5", 361'821'120, 32 * 2 * 5 * 64},
      {"qwen2.5-0.5b", "GQA-2", 494'032'768, 24 * 2 * 2 * 64},
      {"llama-3.2-1b", "GQA-8", 1'235'814'400, 16 * 2 * 8 * 64},
      {"tinyllama-1.1b", "GQA-4", 1'100'048'384, 22 * 2 * 4 * 64},
      {"gemma-3-270m", "MQA", 268'098'176, 18 * 2 * 1 * 256},
  };
  for (const Expected& e : models) {
    INFO(e.model);
    const ir::Program p = build(e.model, "QKV");
    CHECK(p.variant == e.variant);
    CHECK(ir::parameter_count(p) == e.params);
    CHECK(kv_bytes_per_token(p) == e.kv_bytes);
  }
}

TEST_CASE("shipped LLMs do not fit a chip without DRAM and say so") {
  HwConfig hw = test::chip("akida2-like");
  hw.dram.present = false;
  const ModelSpec model = test::model("smollm2-135m");
  CompileOptions options;
  options.context = 256;
  CHECK_THROWS_AS(compile(model, AttentionVariant::parse("QKV", model.heads, model.kv_heads), hw, options),
                  MappingError);
}

TEST_CASE("smollm2-135m --variant Q-K=V removes exactly the V projections") {
  const ir::Program base = build("smollm2-135m", "QKV");
  const ir::Program kv = build("smollm2-135m", "Q-K=V");
  CHECK(kv.variant == "Q-GQA-3");
  CHECK(ir::count_linear(base, ir::LinearRole::V) == 30);
  CHECK(ir::count_linear(kv, ir::LinearRole::V) == 0);
  for (ir::LinearRole role : {ir::LinearRole::Q, ir::LinearRole::K, ir::LinearRole::O, ir::LinearRole::MlpUp,
                              ir::LinearRole::MlpGate, ir::LinearRole::MlpDown}) {
    CHECK(ir::count_linear(kv, role) == ir::count_linear(base, role));
  }
  CHECK(ir::parameter_count(base) - ir::parameter_count(kv) == 30 * 576 * 192);  // the V weights, no bias
  CHECK(kv_bytes_per_token(kv) == kv_bytes_per_token(base) / 2);                 // the cache holds K alone
}

TEST_CASE(
    "variants on a model with grouped keys: names without g keep its KV heads, Q=K needs equal widths") {
  const ModelSpec m = test::model("smollm2-135m");
  CHECK(AttentionVariant::parse("QKV", m.heads, m.kv_heads).name() == "GQA-3");
  CHECK(AttentionVariant::parse("Q-K=V", m.heads, m.kv_heads).name() == "Q-GQA-3");
  CHECK(AttentionVariant::parse("MQA", m.heads, m.kv_heads).name() == "MQA");
  CHECK(AttentionVariant::parse("GQA-9", m.heads, m.kv_heads).kv_heads() == 9);  // every query head its own
  CHECK_THROWS_WITH(
      AttentionVariant::parse("Q=K-V", m.heads, m.kv_heads),
      Catch::Contains("needs as many key heads as query heads; the model has 9 query heads and 3"));
  std::vector<std::string> all;
  for (const AttentionVariant& v : AttentionVariant::parse_list("all", m.heads, m.kv_groups, m.kv_heads))
    all.push_back(v.name());
  CHECK(all == std::vector<std::string>{"GQA-3", "Q-GQA-3", "MQA", "Q-MQA"});
  // Gemma-3-270M has one KV head: QKV is MQA there.
  const ModelSpec g = test::model("gemma-3-270m");
  CHECK(AttentionVariant::parse("Q-K=V", g.heads, g.kv_heads).name() == "Q-MQA");
}

TEST_CASE(
    "gemma4-like: K=V global layers hold one cache tensor, local caches are capped, shared layers own none") {
  const ModelSpec model = test::model("gemma4-like");
  const std::optional<LayerVariants> own = own_variants(model);
  REQUIRE(own);
  const ir::Program p = build(model, *own, 2048);
  CHECK(ir::parameter_count(p) == 235'638'400);
  for (int l = 0; l < model.layers; ++l) {
    INFO("layer " << l);
    int keys = 0, values = 0;
    for (const ir::Buffer& b : p.buffers) {
      if (b.layer != l) continue;
      (b.role == ir::BufferRole::Keys ? keys : values) += 1;
      CHECK(b.capacity_tokens == (model.is_global(l) ? 2048 : 512));
    }
    const bool shared = l >= 8;
    CHECK(keys == (shared ? 0 : 1));
    CHECK(values == (shared || model.is_global(l) ? 0 : 1));
    CHECK((find(p, "l" + std::to_string(l) + ".k_proj") == nullptr) == shared);
    CHECK((find(p, "l" + std::to_string(l) + ".v_proj") == nullptr) == (shared || model.is_global(l)));
    // Global layers rotate the cached (un-rotated) keys as the scores read them; the values are those keys.
    const ir::Op* on_read = find(p, "l" + std::to_string(l) + ".k_rope_read");
    CHECK((on_read != nullptr) == model.is_global(l));
    const ir::Op* read = find(p, "l" + std::to_string(l) + ".k_read");
    REQUIRE(read);
    CHECK(read->window == (model.is_global(l) ? 0 : 512));
  }
  // Layer 11 reads layer 5's keys buffer.
  CHECK(p.buffers.at(static_cast<std::size_t>(find(p, "l11.k_read")->buffer)).layer == 5);
}

TEST_CASE("rotate on read costs a rotation per cached key per step, and a sliding window caps the KV read") {
  const ModelSpec model = test::model("gemma4-like");
  const ir::Program p = build(model, *own_variants(model), 2048);
  const HwConfig hw = test::chip("akida2-like");
  const Phase decode = Phase::decode(1024);
  const ir::Op& rope = *find(p, "l5.k_rope_read");
  double macs = 0;
  for (const ir::Tile& t : rope.tiles) {
    for (const auto& [bits, count] : tile_work(p, rope, t, hw, decode, 1).counts.macs_by_bits) macs += count;
  }
  // 1024 cached keys × 2 KV heads × 256 dims, all rotated (rope_fraction 1), two MACs each.
  CHECK(macs == 2.0 * 1024 * 512);
  // Rotate on write instead: one rotation of the new key per step, and no rope after the read.
  ModelSpec on_write = model;
  on_write.k_eq_v_rope = KeqVRope::OnWrite;
  const ir::Program w = build(on_write, *own_variants(on_write), 2048);
  CHECK(find(w, "l5.k_rope_read") == nullptr);
  REQUIRE(find(w, "l5.k_rope") != nullptr);
  // A local layer's KV read at context 1024 moves its 512-position window, a global one every position.
  const auto read_bytes = [&](const std::string& name) {
    const ir::Op& op = *find(p, name);
    double bytes = 0;
    for (const ir::Tile& t : op.tiles) bytes += tile_work(p, op, t, hw, decode, 1).dram_read_bytes;
    return bytes;
  };
  const int64_t row = p.buffers.at(static_cast<std::size_t>(find(p, "l0.k_read")->buffer)).bytes_per_token;
  CHECK(read_bytes("l0.k_read") == Approx(512.0 * row));
  CHECK(read_bytes("l5.k_read") == Approx(1024.0 * row));
}

TEST_CASE("float kernels: RoPE and RMSNorm by hand") {
  // Position 1, θ = 10000, 4 rotated of 6 dims: pairs (0, 2) by 1 rad and (1, 3) by 0.01 rad.
  const float x[6] = {1, 2, 3, 4, 5, 6};
  float y[6];
  functional::rope_rotate(x, y, 6, 4, 10000.0, 1);
  CHECK(y[0] == Approx(1 * std::cos(1.0) - 3 * std::sin(1.0)));
  CHECK(y[2] == Approx(3 * std::cos(1.0) + 1 * std::sin(1.0)));
  CHECK(y[1] == Approx(2 * std::cos(0.01) - 4 * std::sin(0.01)));
  CHECK(y[3] == Approx(4 * std::cos(0.01) + 2 * std::sin(0.01)));
  CHECK(y[4] == 5);
  CHECK(y[5] == 6);
  // RMSNorm of (3, 4): rms = √12.5.
  const std::vector<float> n = functional::rms_norm({3, 4}, {1, 2}, {}, 0.0);
  CHECK(n[0] == Approx(3 / std::sqrt(12.5)));
  CHECK(n[1] == Approx(8 / std::sqrt(12.5)));
}

namespace {

ModelSpec tiny_llama(int window) {
  std::string yaml = R"(name: tiny-llama
layers: 2
d_model: 64
heads: 4
kv_heads: 2
head_dim: 32
mlp: swiglu
mlp_hidden: 128
vocab: 256
max_positions: 64
bias: false
norm: rmsnorm
positions: rope
qk_norm: true
)";
  if (window > 0) yaml += "sliding_window: " + std::to_string(window) + "\nlayer_pattern: [local, global]\n";
  return parse_model(yaml, "tiny-llama.yaml");
}

functional::Execution run_tiny(const ModelSpec& m, const std::string& variant, bool integer) {
  const ir::Program p = build(m, AttentionVariant::parse(variant, m.heads, m.kv_heads), 32);
  const ModelWeights weights = functional::synthetic_weights(p, 7);
  const functional::Executor reference(p, functional::float_op_tensors(p, weights),
                                       functional::NumericsFacts::of(m));
  const std::vector<int> ids = {3, 10, 17, 24, 5, 6, 7, 8, 9, 200};
  if (!integer) return reference.run(ids);
  const weights::WeightsFile file = weights::quantize_program_weights(p, weights);
  const functional::Executor executor(p, functional::int_op_tensors(p, file),
                                      functional::NumericsFacts::of(m),
                                      functional::calibrate(reference, ids));
  return executor.run(ids);
}

}  // namespace

TEST_CASE(
    "executor: a window at least as long as the input changes nothing, a shorter one changes the logits") {
  const functional::Execution full = run_tiny(tiny_llama(0), "QKV", false);
  const functional::Execution wide = run_tiny(tiny_llama(16), "QKV", false);
  const functional::Execution narrow = run_tiny(tiny_llama(3), "QKV", false);
  REQUIRE(full.logits.size() == 10);
  CHECK(wide.logits == full.logits);
  for (std::size_t pos = 0; pos < 3; ++pos) CHECK(narrow.logits[pos] == full.logits[pos]);
  CHECK(narrow.logits[9] != full.logits[9]);
}

TEST_CASE("executor: RoPE, QK-norm, SwiGLU and K=V on read run in integers close to float") {
  for (const char* variant : {"QKV", "Q-K=V", "MQA"}) {
    INFO(variant);
    const functional::Execution f = run_tiny(tiny_llama(4), variant, false);
    const functional::Execution i = run_tiny(tiny_llama(4), variant, true);
    REQUIRE(f.logits.size() == i.logits.size());
    int agree = 0;
    for (std::size_t pos = 0; pos < f.logits.size(); ++pos) {
      const auto top = [](const std::vector<float>& v) {
        return std::max_element(v.begin(), v.end()) - v.begin();
      };
      agree += top(f.logits[pos]) == top(i.logits[pos]);
    }
    CHECK(agree >= 7);  // of 10 positions, 8-bit weights and activations
  }
}
