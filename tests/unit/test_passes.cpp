#include <catch2/catch.hpp>

#include "compiler/graph/frontend.hpp"
#include "compiler/graph/graph_text.hpp"
#include "compiler/passes/apply_variant.hpp"
#include "compiler/passes/partition.hpp"
#include "compiler/passes/place.hpp"
#include "compiler/passes/plan_kv_cache.hpp"
#include "compiler/passes/quantize.hpp"
#include "compiler/passes/route.hpp"
#include "compiler/passes/schedule.hpp"
#include "compiler/support/error.hpp"
#include "tests/unit/compile_fixtures.hpp"
#include "tests/unit/graph_fixtures.hpp"

using namespace neurokv;
using graph::graph_to_text;
using passes::Graph;
using test::has_line;
using test::has_line_starting;

namespace {

// The graph a pass makes of `graph`: passes work in place, the tests compare one input under several
// settings.
template <typename Pass, typename... Args>
Graph after(Pass&& pass, Graph graph, Args&&... args) {
  pass(graph, std::forward<Args>(args)...);
  return graph;
}

Graph variant_graph(const std::string& variant, bool fuse_kv = true) {
  Diagnostics notes;
  Graph g = graph::build_graph(test::one_layer());
  passes::apply_variant(g, AttentionVariant::parse(variant, 2), fuse_kv, notes);
  return g;
}

// A chip whose NPs hold 8 KiB of weights: the one-layer model's MLP splits into a few tiles.
HwConfig small_sram_chip() {
  HwConfig hw = test::chip("akida2-like");
  hw.np.weight_sram_bytes = 8192;
  return hw;
}

Graph planned(const std::string& variant, const HwConfig& hw) {
  Diagnostics notes;
  Graph g = variant_graph(variant);
  passes::quantize(g, hw, {}, notes);
  passes::plan_kv_cache(g, hw, 64, notes);
  return g;
}

Graph placed(const std::string& variant, const HwConfig& hw) {
  Diagnostics notes;
  Graph g = planned(variant, hw);
  passes::partition(g, hw, notes);
  passes::place(g, hw, notes);
  return g;
}

}  // namespace

TEST_CASE("apply_variant: K=V removes the V projection and the values buffer, and P·V reads the keys") {
  const std::string before = graph_to_text(variant_graph("QKV"));
  CHECK(has_line_starting(before, "l0.v_proj = linear.v(l0.ln1)"));
  CHECK(has_line_starting(before, "l0.attn_value = attn_value(l0.softmax, l0.v_read)"));
  const std::string fused = graph_to_text(variant_graph("Q-K=V"));
  CHECK_FALSE(has_line_starting(fused, "l0.v_proj"));
  CHECK_FALSE(has_line_starting(fused, "l0.v_append"));
  CHECK_FALSE(has_line_starting(fused, "l0.v_read"));
  CHECK_FALSE(has_line_starting(fused, "buffer l0.v "));
  CHECK(has_line_starting(fused, "graph one variant=Q-K=V kv_heads=2 "));
  CHECK(has_line_starting(fused, "l0.attn_score = attn_score(l0.q_proj, l0.k_read)"));
  CHECK(has_line_starting(fused, "l0.attn_value = attn_value(l0.softmax, l0.k_read)"));
  CHECK(has_line(fused, "buffer l0.k keys kv_heads=2 head_dim=32 bits=0 bytes_per_token=0 capacity=0 dram"));
}

TEST_CASE("apply_variant: unfused K=V reads the keys buffer twice") {
  const std::string text = graph_to_text(variant_graph("Q-K=V", /*fuse_kv=*/false));
  CHECK(
      has_line_starting(text, "graph one variant=Q-K=V kv_heads=2 bits=w0/a0/kv0 context=0 fused_kv=false"));
  CHECK(has_line_starting(text,
                          "l0.k_read_for_value = kv_read(~l0.k_append) in=64 out=64 heads=2 kv_heads=2 "
                          "head_dim=32 buffer=l0.k"));
  CHECK(has_line_starting(text, "l0.attn_value = attn_value(l0.softmax, l0.k_read_for_value)"));
}

TEST_CASE("apply_variant: Q=K scores the new key against the cached keys") {
  const std::string qk_v = graph_to_text(variant_graph("Q=K-V"));
  CHECK_FALSE(has_line_starting(qk_v, "l0.q_proj"));
  CHECK(has_line_starting(qk_v, "l0.attn_score = attn_score(l0.k_proj, l0.k_read)"));
  CHECK(has_line_starting(qk_v, "l0.attn_value = attn_value(l0.softmax, l0.v_read)"));
  const std::string tied = graph_to_text(variant_graph("Q=K=V"));
  CHECK_FALSE(has_line_starting(tied, "l0.q_proj"));
  CHECK_FALSE(has_line_starting(tied, "l0.v_proj"));
  CHECK(has_line_starting(tied, "l0.attn_score = attn_score(l0.k_proj, l0.k_read)"));
  CHECK(has_line_starting(tied, "l0.attn_value = attn_value(l0.softmax, l0.k_read)"));
}

TEST_CASE("apply_variant: MQA narrows K, V and the cache to one head") {
  const std::string text = graph_to_text(variant_graph("MQA"));
  CHECK(has_line(text, "l0.q_proj = linear.q(l0.ln1) in=64 out=64 bias density=0.5"));
  CHECK(has_line(text, "l0.k_proj = linear.k(l0.ln1) in=64 out=32 bias density=0.5"));
  CHECK(has_line(text, "l0.v_proj = linear.v(l0.ln1) in=64 out=32 bias density=0.5"));
  CHECK(has_line(
      text, "l0.k_read = kv_read(~l0.k_append) in=32 out=32 heads=2 kv_heads=1 head_dim=32 buffer=l0.k"));
  CHECK(has_line_starting(
      text, "l0.attn_score = attn_score(l0.q_proj, l0.k_read) in=64 out=64 heads=2 kv_heads=1"));
  CHECK(has_line_starting(text, "buffer l0.v values kv_heads=1 "));
}

TEST_CASE("quantize: stamps widths, defaults to the widest, rejects what the chip lacks") {
  const HwConfig hw = test::chip("akida2-like");
  Diagnostics notes;
  const std::string text =
      graph_to_text(after(passes::quantize, variant_graph("QKV"), hw, passes::BitWidths{4, 0, 16}, notes));
  CHECK(has_line_starting(text, "graph one variant=QKV kv_heads=2 bits=w4/a8/kv16 "));
  CHECK(has_line(text, "l0.q_proj = linear.q(l0.ln1) in=64 out=64 bias density=0.5 w4 a8"));
  CHECK(has_line(text, "l0.gelu = gelu(l0.mlp_up) in=256 out=256 a8"));
  CHECK(has_line_starting(text,
                          "l0.k_read = kv_read(~l0.k_append) in=64 out=64 heads=2 kv_heads=2 head_dim=32 "
                          "buffer=l0.k a16"));
  CHECK(has_line_starting(text, "buffer l0.k keys kv_heads=2 head_dim=32 bits=16 "));
  CHECK_THROWS_WITH(after(passes::quantize, variant_graph("QKV"), hw, passes::BitWidths{0, 2, 0}, notes),
                    "--act-bits 2: chip akida2-like supports 4, 8 bits");
  CHECK_THROWS_AS(after(passes::quantize, variant_graph("QKV"), hw, passes::BitWidths{16, 0, 0}, notes),
                  InputError);
}

TEST_CASE("quantize: a defaulted KV width is the chip's narrowest at least as wide as the activations") {
  HwConfig hw = test::chip("akd1500-like");  // activations 1, 2, 4; KV 4, 8, 16
  Diagnostics notes;
  CHECK(after(passes::quantize, variant_graph("QKV"), hw, passes::BitWidths{0, 2, 0},
              notes)[boost::graph_bundle]
            .precision.kv_bits == 4);
  CHECK(after(passes::quantize, variant_graph("QKV"), hw, passes::BitWidths{0, 4, 0},
              notes)[boost::graph_bundle]
            .precision.kv_bits == 4);
  CHECK(after(passes::quantize, variant_graph("QKV"), hw, passes::BitWidths{0, 2, 8},
              notes)[boost::graph_bundle]
            .precision.kv_bits == 8);
  CHECK_THROWS_WITH(after(passes::quantize, variant_graph("QKV"), hw, passes::BitWidths{0, 2, 2}, notes),
                    "--kv-bits 2: chip akd1500-like supports 4, 8, 16 bits");
  hw.np.activation_bits = {8};
  hw.np.kv_bits = {4};
  CHECK_THROWS_WITH(
      after(passes::quantize, variant_graph("QKV"), hw, passes::BitWidths{0, 0, 0}, notes),
      "--kv-bits not given: the KV cache defaults to the narrowest width of at least the 8 activation "
      "bits, chip akd1500-like supports 4 bits; give --kv-bits");
}

TEST_CASE("plan_kv_cache: sizes buffers, keeps them in input SRAM while they fit, else DRAM or an error") {
  HwConfig hw = test::chip("akida2-like");
  const std::string text = graph_to_text(planned("Q-MQA", hw));
  CHECK(has_line(text, "buffer l0.k keys kv_heads=1 head_dim=32 bits=8 bytes_per_token=32 capacity=64 sram"));
  Diagnostics notes;
  const Graph quantized = after(passes::quantize, variant_graph("QKV"), hw, passes::BitWidths{}, notes);
  const Graph long_context = after(passes::plan_kv_cache, quantized, hw, 4096, notes);
  // Planned as asked past the learned positions; the CLI warns (test_cli_first_hour), the pass is silent.
  for (const Diagnostic& note : notes) CHECK(note.message.find("learned positions") == std::string::npos);
  // One KV head holds 4096 × 32 B = 128 KiB, more than an NP's 32 KiB KV share: DRAM, and a note says why.
  REQUIRE(!notes.empty());
  CHECK(
      notes.back() ==
      Diagnostic::note("KV cache: 2 of 2 buffers in DRAM at context 4096 (2 because one KV head's 4096 rows "
                       "exceed an NP's 32768 B KV share)"));
  CHECK(has_line(graph_to_text(long_context),
                 "buffer l0.k keys kv_heads=2 head_dim=32 bits=8 bytes_per_token=64 capacity=4096 dram"));
  CHECK(has_line(graph_to_text(after(passes::plan_kv_cache, quantized, hw, 1024, notes)),
                 "buffer l0.k keys kv_heads=2 head_dim=32 bits=8 bytes_per_token=64 capacity=1024 sram"));
  CHECK_THROWS_WITH(after(passes::plan_kv_cache, quantized, hw, 0, notes),
                    "--context 0: expected at least 1 token");
  hw.np.input_sram_bytes = 64;  // 32 B per NP for the KV cache: 256 NPs hold 8 KiB
  hw.mesh_cols = hw.mesh_rows = 1;
  const std::string spilled = graph_to_text(after(passes::plan_kv_cache, quantized, hw, 64, notes));
  CHECK(has_line(spilled,
                 "buffer l0.k keys kv_heads=2 head_dim=32 bits=8 bytes_per_token=64 capacity=64 dram"));
  hw.dram.present = false;
  CHECK_THROWS_AS(after(passes::plan_kv_cache, quantized, hw, 64, notes), MappingError);
  CHECK_THROWS_WITH(
      after(passes::plan_kv_cache, quantized, hw, 64, notes),
      "KV buffer l0.k needs 4096 bytes (64 tokens x 64 B) of NP input SRAM, 2048 per KV head on the NP "
      "beside its readers; the chip has room for 0 more heads (32 B reserved for the KV cache per NP) and no "
      "DRAM");
  hw.np.input_sram_bytes = 1;  // a KV budget of 0 bytes: an error, not a division by zero
  CHECK_THROWS_AS(after(passes::plan_kv_cache, quantized, hw, 64, notes), MappingError);
  CHECK_THROWS_WITH(after(passes::plan_kv_cache, quantized, hw, 64, notes),
                    Catch::Contains("reserves 0 bytes of its 1 bytes of NP input SRAM for the KV cache"));
}

TEST_CASE("partition: tiles under the weight-SRAM limit, all resident when they fit") {
  const HwConfig hw = small_sram_chip();
  Diagnostics notes;
  const std::string text = graph_to_text(after(passes::partition, planned("QKV", hw), hw, notes));
  // 65 B per MLP-up channel (64 weights + bias): 126 channels per 8 KiB tile, 256 channels in 3 even tiles.
  CHECK(has_line(
      text, "l0.mlp_up = linear.mlp_up(l0.ln2) in=64 out=256 bias density=0.5 w8 a8 weights=sram tiles=3"));
  CHECK(has_line(text, "  tile 0 out=[0,86) bytes=5590 pass=0 np=(0,0,0)"));
  CHECK(has_line(text, "  tile 2 out=[171,256) bytes=5525 pass=0 np=(0,0,0)"));
  // The tied embedding is one weightless tile; its table is the LM head's 128 channels.
  CHECK(has_line(text, "embed = embed() in=128 out=64 w8 a8 weights=sram tiles=1"));
  CHECK(has_line(
      text,
      "lm_head = linear.lm_head(ln_f) in=64 out=128 tied_to=embed density=0.5 w8 a8 weights=sram tiles=1"));
  CHECK(has_line_starting(text,
                          "l0.attn_score = attn_score(l0.q_proj, l0.k_read) in=64 out=64 heads=2 kv_heads=2 "
                          "head_dim=32 density=0.5 a8 weights=sram tiles=2"));
}

TEST_CASE("partition: streams what does not fit through the pool, pass by pass") {
  HwConfig hw = small_sram_chip();
  hw.mesh_cols = hw.mesh_rows = 1;  // 4 NPs x 8 KiB: the 64 KiB of weights cannot stay
  Diagnostics notes;
  const Graph g = after(passes::partition, planned("QKV", hw), hw, notes);
  CHECK(g[boost::graph_bundle].stream_pool_nps == 1);
  const std::string text = graph_to_text(g);
  CHECK(has_line(
      text,
      "l0.mlp_down = linear.mlp_down(l0.gelu) in=256 out=64 bias density=0.3 w8 a8 weights=dram tiles=3"));
  CHECK(notes.back().severity == Diagnostic::Severity::Note);
  CHECK(notes.back().message.rfind("weights do not fit on chip:", 0) == 0);
  hw.dram.present = false;
  CHECK_THROWS_WITH(after(passes::partition, planned("QKV", hw), hw, notes),
                    Catch::Contains("bytes of weight SRAM") && Catch::Contains("and no DRAM to stream from"));
}

TEST_CASE("place: tiles on the mesh, weightless tiles beside their producer, KV buffers in input SRAM") {
  const std::string text = graph_to_text(placed("QKV", small_sram_chip()));
  CHECK(has_line_starting(
      text, "buffer l0.k keys kv_heads=2 head_dim=32 bits=8 bytes_per_token=64 capacity=64 sram nps=("));
  // The resident tiles fill NPs in snake order from the DMA point, next-fit in model order.
  CHECK(has_line(text, "  tile 0 out=[0,64) bytes=4096 pass=0 np=(0,0,0)"));
  CHECK(has_line(text, "  tile 0 out=[0,64) bytes=4160 pass=0 np=(0,0,1)"));
  CHECK(has_line(text, "l0.gelu = gelu(l0.mlp_up) in=256 out=256 a8 weights=sram tiles=1"));
}

TEST_CASE("route and schedule: head-split multicast, KvRead after KvAppend, LM head last token only") {
  const HwConfig hw = small_sram_chip();
  Diagnostics notes;
  Graph g = placed("MQA", hw);
  passes::route(g, notes);
  passes::schedule(g, notes);
  const std::string text = graph_to_text(g);
  // One KV head feeds both query heads; each query head's scores go to its own softmax tile.
  CHECK(has_line_starting(text, "route l0.k_read#0 -> l0.attn_score[0,1] hops="));
  CHECK(has_line_starting(text, "route l0.attn_score#1 -> l0.softmax[1] hops="));
  CHECK(has_line_starting(text, "route l0.ln2#0 -> l0.mlp_up[0,1,2] hops="));
  CHECK_FALSE(has_line_starting(text, "route l0.k_append"));
  CHECK(has_line(text, "decode l0.k_read wave=5 waits=l0.k_append"));
  CHECK(has_line(text, "decode l0.attn_score wave=6 waits=l0.q_proj,l0.k_read"));
  CHECK(has_line(text, "decode lm_head wave=17 waits=ln_f"));
  CHECK(has_line(text, "prefill lm_head wave=17 waits=ln_f last_token_only"));
  CHECK(has_line(text, "prefill l0.mlp_up wave=12 waits=l0.ln2"));
}
