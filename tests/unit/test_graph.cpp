#include <catch2/catch.hpp>

#include "compiler/graph/frontend.hpp"
#include "compiler/graph/graph_text.hpp"
#include "compiler/support/error.hpp"
#include "tests/unit/compile_fixtures.hpp"
#include "tests/unit/graph_fixtures.hpp"

using neurokv::graph::build_graph;
using neurokv::graph::graph_to_text;
using neurokv::test::has_line;

TEST_CASE("the frontend builds the GPT-2 block in QKV form, one op per line") {
  const auto graph = build_graph(neurokv::test::one_layer());
  const std::string text = graph_to_text(graph);
  const std::string expected = R"(graph one variant=QKV kv_heads=2 bits=w0/a0/kv0 context=0 fused_kv=false
embed = embed() in=128 out=64
pos_embed = pos_embed() in=64 out=64
embed_add = add(embed, pos_embed) in=64 out=64
l0.ln1 = layernorm(embed_add) in=64 out=64 bias
l0.q_proj = linear.q(l0.ln1) in=64 out=64 bias density=0.5
l0.k_proj = linear.k(l0.ln1) in=64 out=64 bias density=0.5
l0.v_proj = linear.v(l0.ln1) in=64 out=64 bias density=0.5
l0.k_append = kv_append(l0.k_proj) in=64 out=64 heads=2 kv_heads=2 head_dim=32 buffer=l0.k
l0.k_read = kv_read(~l0.k_append) in=64 out=64 heads=2 kv_heads=2 head_dim=32 buffer=l0.k
l0.v_append = kv_append(l0.v_proj) in=64 out=64 heads=2 kv_heads=2 head_dim=32 buffer=l0.v
l0.v_read = kv_read(~l0.v_append) in=64 out=64 heads=2 kv_heads=2 head_dim=32 buffer=l0.v
l0.attn_score = attn_score(l0.q_proj, l0.k_read) in=64 out=64 heads=2 kv_heads=2 head_dim=32 density=0.5
l0.softmax = softmax(l0.attn_score) in=64 out=2 heads=2 kv_heads=2 head_dim=32
l0.attn_value = attn_value(l0.softmax, l0.v_read) in=2 out=64 heads=2 kv_heads=2 head_dim=32 density=0.25
l0.o_proj = linear.o(l0.attn_value) in=64 out=64 bias density=0.5
l0.attn_add = add(embed_add, l0.o_proj) in=64 out=64
l0.ln2 = layernorm(l0.attn_add) in=64 out=64 bias
l0.mlp_up = linear.mlp_up(l0.ln2) in=64 out=256 bias density=0.5
l0.gelu = gelu(l0.mlp_up) in=256 out=256
l0.mlp_down = linear.mlp_down(l0.gelu) in=256 out=64 bias density=0.3
l0.mlp_add = add(l0.attn_add, l0.mlp_down) in=64 out=64
ln_f = layernorm(l0.mlp_add) in=64 out=64 bias
lm_head = linear.lm_head(ln_f) in=64 out=128 tied_to=embed density=0.5
buffer l0.k keys kv_heads=2 head_dim=32 bits=0 bytes_per_token=0 capacity=0 dram
buffer l0.v values kv_heads=2 head_dim=32 bits=0 bytes_per_token=0 capacity=0 dram
)";
  CHECK(text == expected);
  CHECK(graph_to_text(build_graph(neurokv::test::one_layer())) == text);
}

TEST_CASE("the frontend scales with the model file") {
  const auto graph = build_graph(neurokv::test::model("paper-300m"));
  // embed, pos_embed, embed_add; 18 ops per block; ln_f, lm_head.
  CHECK(boost::num_vertices(graph) == 3 + 20 * 18 + 2);
  CHECK(graph[boost::graph_bundle].buffers.size() == 40);
  const std::string text = graph_to_text(graph);
  CHECK(has_line(text, "l19.mlp_down = linear.mlp_down(l19.gelu) in=4096 out=1024 bias density=0.3"));
  CHECK(has_line(text, "lm_head = linear.lm_head(ln_f) in=1024 out=50304 tied_to=embed density=0.5"));
}

TEST_CASE(
    "one naming helper: the frontend's layer ops are found by layer_op_name, and a miss is an internal "
    "error") {
  using namespace neurokv::graph;
  const Graph g = build_graph(neurokv::test::model("edge-tiny"));
  CHECK(layer_op_name(3, "k_proj") == "l3.k_proj");
  const Vertex k = find_op(g, layer_op_name(1, "k_proj"));
  CHECK(g[k].role == neurokv::ir::LinearRole::K);
  CHECK(carries_kv(g[k]));
  CHECK(carries_kv(g[find_op(g, layer_op_name(1, "v_read"))]));
  CHECK_FALSE(carries_kv(g[find_op(g, layer_op_name(1, "q_proj"))]));
  CHECK_FALSE(carries_kv(g[find_op(g, layer_op_name(1, "attn_score"))]));
  CHECK_THROWS_AS(find_op(g, layer_op_name(1, "no_such_op")), neurokv::RunError);
}
