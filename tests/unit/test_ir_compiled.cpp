#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "compiler/driver/compile.hpp"
#include "compiler/ir/parser.hpp"
#include "compiler/ir/printer.hpp"
#include "compiler/ir/verifier.hpp"
#include "tests/unit/compile_fixtures.hpp"
#include "tests/unit/ir_equal.hpp"

namespace ir = neurokv::ir;

namespace {

// The routes from one op to another that list the same tiles share one list (ir::TileList), as the route pass
// makes them and the parser reads them; returns the number of lists.
size_t check_shared_lists(const ir::Program& program) {
  std::map<std::tuple<int, int, std::vector<int>>, std::set<const void*>> lists;
  std::set<const void*> all;
  for (const ir::Route& route : program.routes) {
    lists[{route.src_op, route.dst_op, route.dst_tiles.tiles()}].insert(route.dst_tiles.identity());
    all.insert(route.dst_tiles.identity());
  }
  for (const auto& [tiles, identities] : lists) CHECK(identities.size() == 1);
  return all.size();
}

void check_compiled(const std::string& model_name, const std::string& chip_name, const std::string& variant) {
  INFO(model_name << " on " << chip_name << ", " << variant);
  const auto model = neurokv::test::model(model_name);
  const auto hw = neurokv::test::chip(chip_name);
  const ir::Program program =
      neurokv::compile(model, neurokv::AttentionVariant::parse(variant, model.heads), hw, {}).program;
  const std::string text = ir::print_program(program);
  const ir::Program parsed = ir::parse_program(text, "compiled.nkir");
  CHECK(neurokv::test::same_program(parsed, program));
  // The parser also shares a list between two tensors going to the same tiles (an add's two inputs).
  CHECK(check_shared_lists(parsed) <= check_shared_lists(program));
  CHECK(ir::print_program(parsed) == text);
  CHECK_NOTHROW(ir::check_program(parsed, "compiled.nkir", hw));
}

}  // namespace

TEST_CASE("every variant of edge-tiny compiles to a sound program that round-trips, on every chip") {
  for (const char* chip : {"akida2-like", "akd1000-like", "akd1500-like"}) {
    for (const char* variant : {"QKV", "Q-K=V", "Q=K-V", "Q=K=V", "GQA-2", "MQA", "Q-GQA-2", "Q-MQA"}) {
      check_compiled("edge-tiny", chip, variant);
    }
  }
}

TEST_CASE("the paper's models compile to sound programs that round-trip") {
  for (const char* variant : {"QKV", "Q-K=V", "Q-MQA"}) check_compiled("paper-300m", "akida2-like", variant);
  check_compiled("paper-300m", "akd1500-like", "GQA-4");
  check_compiled("paper-1.2b", "akida2-like", "QKV");  // ~28K tiles and ~26K routes, some weights streamed
}

TEST_CASE("a program compiled at the longest context prints and parses back") {
  const auto model = neurokv::test::model("edge-tiny");
  const auto hw = neurokv::test::chip("akida2-like");
  neurokv::CompileOptions options;
  options.context = ir::kMaxContext;
  const ir::Program program =
      neurokv::compile(model, neurokv::AttentionVariant::parse("QKV", model.heads), hw, options).program;
  REQUIRE(program.context == ir::kMaxContext);
  const std::string text = ir::print_program(program);
  const ir::Program parsed = ir::parse_program(text, "longest.nkir");
  CHECK(neurokv::test::same_program(parsed, program));
  // The parser also shares a list between two tensors going to the same tiles (an add's two inputs).
  CHECK(check_shared_lists(parsed) <= check_shared_lists(program));
  CHECK_NOTHROW(ir::check_program(parsed, "longest.nkir", hw));
}

TEST_CASE("a tensor's routes to a consumer tiled by channels share one list of destination tiles") {
  const auto model = neurokv::test::model("paper-300m");
  const auto hw = neurokv::test::chip("akida2-like");
  const ir::Program program =
      neurokv::compile(model, neurokv::AttentionVariant::parse("QKV", model.heads), hw, {}).program;
  std::map<std::pair<int, int>, std::set<const void*>> lists;  // by (source op, linear consumer)
  for (const ir::Route& route : program.routes) {
    if (program.ops[static_cast<size_t>(route.dst_op)].kind == ir::OpKind::Linear)
      lists[{route.src_op, route.dst_op}].insert(route.dst_tiles.identity());
  }
  REQUIRE(lists.size() > 100);
  for (const auto& [tensor, identities] : lists) CHECK(identities.size() == 1);
  CHECK(check_shared_lists(program) < program.routes.size() / 2);
}
