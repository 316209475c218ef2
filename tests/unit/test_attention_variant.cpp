#include <catch2/catch.hpp>

#include "compiler/config/attention_variant.hpp"
#include "compiler/config/layer_variants.hpp"
#include "compiler/support/error.hpp"

using neurokv::AttentionVariant;
using neurokv::InputError;

TEST_CASE("variant names parse to the paper's projections and KV heads") {
  const auto qkv = AttentionVariant::parse("QKV", 16);
  CHECK(qkv.has_q_projection());
  CHECK(qkv.has_v_projection());
  CHECK(qkv.kv_heads() == 16);

  const auto qkeqv = AttentionVariant::parse("Q-K=V", 16);
  CHECK(qkeqv.has_q_projection());
  CHECK_FALSE(qkeqv.has_v_projection());
  CHECK(qkeqv.values_are_keys());

  const auto qeqkv = AttentionVariant::parse("Q=K-V", 16);
  CHECK_FALSE(qeqkv.has_q_projection());
  CHECK(qeqkv.has_v_projection());
  CHECK(qeqkv.queries_are_keys());

  const auto all_tied = AttentionVariant::parse("Q=K=V", 16);
  CHECK_FALSE(all_tied.has_q_projection());
  CHECK_FALSE(all_tied.has_v_projection());

  CHECK(AttentionVariant::parse("GQA-4", 16).kv_heads() == 4);
  CHECK(AttentionVariant::parse("GQA-4", 16).has_v_projection());
  CHECK(AttentionVariant::parse("MQA", 16).kv_heads() == 1);
  CHECK(AttentionVariant::parse("Q-GQA-4", 16).kv_heads() == 4);
  CHECK_FALSE(AttentionVariant::parse("Q-GQA-4", 16).has_v_projection());
  CHECK(AttentionVariant::parse("Q-MQA", 16).kv_heads() == 1);
  CHECK(AttentionVariant::parse(" Q-MQA ", 16).name() == "Q-MQA");
}

TEST_CASE("'all' is the paper's eight variants with the model's group count") {
  const auto all = AttentionVariant::parse_list("all", 16, 4);
  std::vector<std::string> names;
  for (const auto& v : all) names.push_back(v.name());
  CHECK(names ==
        std::vector<std::string>{"QKV", "Q-K=V", "Q=K-V", "Q=K=V", "GQA-4", "MQA", "Q-GQA-4", "Q-MQA"});
}

TEST_CASE("comma lists keep their order and refuse repeats and empty entries") {
  const auto list = AttentionVariant::parse_list("MQA,QKV,GQA-8", 32, 8);
  REQUIRE(list.size() == 3);
  CHECK(list[0].name() == "MQA");
  CHECK(list[2].kv_heads() == 8);
  CHECK_THROWS_AS(AttentionVariant::parse_list("QKV,QKV", 16, 4), InputError);
  CHECK_THROWS_AS(AttentionVariant::parse_list("QKV,,MQA", 16, 4), InputError);
  // Not "unknown attention variant 'all' (did you mean 'all'?)".
  CHECK_THROWS_WITH(AttentionVariant::parse_list("QKV,all", 16, 4),
                    Catch::Contains("names 'all' beside other variants, expected 'all' alone"));
}

TEST_CASE("bad variant names and group counts are refused with the valid names") {
  CHECK_THROWS_WITH(AttentionVariant::parse("Q+K", 16), Catch::Contains("expected one of: QKV, Q-K=V"));
  CHECK_THROWS_WITH(AttentionVariant::parse("GQA-3", 16),
                    Catch::Contains("does not divide the model's 16 heads"));
  CHECK_THROWS_AS(AttentionVariant::parse("GQA-0", 16), InputError);
  CHECK_THROWS_AS(AttentionVariant::parse("GQA-32", 16), InputError);
  CHECK_THROWS_AS(AttentionVariant::parse("Q-GQA-x", 16), InputError);
  CHECK_THROWS_AS(AttentionVariant::parse("GQA-99999999999", 16), InputError);
}

TEST_CASE("per-layer variants: uniform lists are one variant and mixed ones are named layer by layer") {
  using neurokv::LayerVariants;
  const auto qkv = AttentionVariant::parse("QKV", 4);
  const auto q_mqa = AttentionVariant::parse("Q-MQA", 4);
  CHECK(LayerVariants({qkv, qkv, qkv}) == LayerVariants(qkv));
  CHECK(LayerVariants({qkv, qkv}).name() == "QKV");
  CHECK_FALSE(LayerVariants({qkv, qkv}).mixed());
  const LayerVariants mixed({qkv, q_mqa});
  CHECK(mixed.mixed());
  CHECK(mixed.name() == "QKV/Q-MQA");
  CHECK(mixed.kv_heads() == 0);
  CHECK(LayerVariants({AttentionVariant::parse("QKV", 4), AttentionVariant::parse("Q-K=V", 4)}).kv_heads() ==
        4);
  CHECK(LayerVariants::parse("QKV/Q-MQA", 4) == mixed);
  CHECK(LayerVariants(qkv).for_layers(3).size() == 3);
  CHECK_THROWS_WITH(mixed.for_layers(3),
                    Catch::Contains("name 2 layers, expected one per layer of a 3-layer model"));
  CHECK_THROWS_AS(LayerVariants::parse("QKV/", 4), InputError);
}

TEST_CASE("variant names are read without case, and a typo names the nearest variant") {
  CHECK(AttentionVariant::parse("qkv", 16).name() == "QKV");
  CHECK(AttentionVariant::parse("q-gqa-4", 16).name() == "Q-GQA-4");
  CHECK(AttentionVariant::parse_list("All", 16, 4).size() == 8);
  CHECK_THROWS_WITH(
      AttentionVariant::parse("QVK", 16),
      Catch::StartsWith("unknown attention variant 'QVK' (did you mean 'QKV'?), expected one of:"));
  CHECK_THROWS_WITH(AttentionVariant::parse("GQA4", 16), Catch::Contains("(did you mean 'GQA-4'?)"));
  CHECK_THROWS_WITH(
      AttentionVariant::parse("banana", 16),
      "unknown attention variant 'banana', expected one of: QKV, Q-K=V, Q=K-V, Q=K=V, GQA-<g>, MQA, "
      "Q-GQA-<g>, Q-MQA, or all");
}

TEST_CASE("'all' without a group count is the six variants that need none") {
  std::vector<std::string> names;
  for (const AttentionVariant& v : AttentionVariant::parse_list("all", 16, 0)) names.push_back(v.name());
  CHECK(names == std::vector<std::string>{"QKV", "Q-K=V", "Q=K-V", "Q=K=V", "MQA", "Q-MQA"});
}
