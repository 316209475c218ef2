#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/ir/parser.hpp"
#include "compiler/ir/printer.hpp"
#include "compiler/ir/verifier.hpp"
#include "compiler/support/error.hpp"
#include "tests/unit/ir_equal.hpp"
#include "tests/unit/ir_sample.hpp"

namespace ir = neurokv::ir;
using neurokv::InputError;

namespace {

// Parses the printed program, checks it is the same program, and that printing it again gives the same bytes.
void check_round_trip(const ir::Program& program) {
  const std::string text = ir::print_program(program);
  INFO(text);
  const ir::Program parsed = ir::parse_program(text, "round-trip.nkir");
  CHECK(neurokv::test::same_program(parsed, program));
  CHECK(ir::print_program(parsed) == text);
}

const std::string kSmall =
    "neurokv-ir 5\n"
    "model tiny layers=1 d_model=4\n"
    "variant Q-K=V kv_heads=2\n"
    "chip c mesh_cols=1 mesh_rows=1 nps_per_node=1 weight_sram_bytes=64 has_dram=yes hash=00ff00ff00ff00ff "
    "source=\"my chips/c.yaml\"\n"
    "precision weight_bits=8 act_bits=8 kv_bits=4\n"
    "context 8\n"
    "fused_kv yes\n"
    "buffer @0 l0.k layer=0 role=keys kv_heads=2 head_dim=2 bits=4 bytes_per_token=2 capacity_tokens=8 "
    "location=sram nps=(0,0,0)\n"
    "op %0 l0.k_proj linear layer=0 role=k in_features=4 out_features=4 input_density=0.35 weight_bits=8\n"
    "  tile 0 np=(0,0,0) out=0..4 weight_bytes=16\n"
    "op %1 l0.k_append kv_append layer=0 inputs=%0 kv_heads=2 head_dim=2 buffer=@0\n"
    "  tile 0 np=(0,0,0) out=0..2\n"
    "route %0.0 dst=%1 tiles=0 hops=0\n"
    "schedule prefill\n"
    "  step %0 wave=0\n"
    "  step %1 wave=1 waits=%0\n"
    "schedule decode\n"
    "  step %0 wave=0\n"
    "  step %1 wave=1 waits=%0\n"
    "end\n";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string parse_error(const std::string& text) {
  try {
    ir::parse_program(text, "f.nkir");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(parsed without error)";
}

}  // namespace

TEST_CASE("the sample program round-trips through its text form") {
  const ir::Program program = neurokv::test::sample_program();
  check_round_trip(program);
}

TEST_CASE("an empty program round-trips") { check_round_trip(ir::Program{}); }

TEST_CASE("names that need quotes and awkward doubles round-trip") {
  ir::Program program = neurokv::test::sample_program();
  program.model.name = "my model #2 \"big\" \\ \t\x01 caf\xc3\xa9";
  program.chip.name = "";
  program.ops[0].name = "=odd%name@";
  const double densities[] = {0.1, 1.0 / 3.0, 0.30000000000000004, 1e-300, 5e-324, 0.0, 1.0};
  for (std::size_t i = 0; i < std::size(densities); ++i) program.ops[i].input_density = densities[i];
  check_round_trip(program);
  const std::string text = ir::print_program(program);
  CHECK(text.find("model \"my model #2 \\\"big\\\" \\\\ \\x09\\x01 caf\xc3\xa9\"") != std::string::npos);
  CHECK(text.find("op %0 \"=odd%name@\" embed") != std::string::npos);
}

TEST_CASE("the printer writes the documented canonical form") {
  // kSmall is in canonical form: parsing and printing it gives it back byte for byte.
  CHECK(ir::print_program(ir::parse_program(kSmall, "small.nkir")) == kSmall);
  const ir::Program small = ir::parse_program(kSmall, "small.nkir");
  CHECK(small.chip.hash == "00ff00ff00ff00ff");
  CHECK(small.chip.source == "my chips/c.yaml");
}

TEST_CASE("the example in docs/ir.md is canonical") {
  std::ifstream in(std::string(NEUROKV_SOURCE_DIR) + "/docs/ir.md");
  std::ostringstream doc;
  doc << in.rdbuf();
  const std::string text = doc.str();
  const auto begin = text.find("```nkir\n");
  REQUIRE(begin != std::string::npos);
  const auto start = begin + 8;
  const std::string example = text.substr(start, text.find("```", start) - start);
  const ir::Program program = ir::parse_program(example, "docs/ir.md");
  CHECK(ir::print_program(program) == example);
  CHECK(ir::verify_program(program).empty());
}

TEST_CASE("the parser ignores comments, blank lines, indentation and key order") {
  std::string text =
      replaced(kSmall, "context 8\n", "# the cache is planned for 8 tokens\n\n   context 8   # tokens\n");
  text =
      replaced(text, "step %1 wave=1 waits=%0\nschedule decode", "step %1 waits=%0 wave=1\nschedule decode");
  text = replaced(text, "\n  tile 0 np=(0,0,0) out=0..4", "\r\ntile 0\tout=0..4 np=(0,0,0)");
  CHECK(ir::print_program(ir::parse_program(text, "f.nkir")) == kSmall);
}

TEST_CASE("a version-4 file (before the CNN op kinds) reads the same and is printed as version 5") {
  CHECK(ir::print_program(ir::parse_program(replaced(kSmall, "neurokv-ir 5", "neurokv-ir 4"), "v4.nkir")) ==
        kSmall);
}

TEST_CASE("a version-3 file (before the LLM op kinds) reads the same and is printed as version 5") {
  CHECK(ir::print_program(ir::parse_program(replaced(kSmall, "neurokv-ir 5", "neurokv-ir 3"), "v3.nkir")) ==
        kSmall);
}

TEST_CASE("a version-2 file (no chip record) is still read, and printed as version 5") {
  const std::string v3_without_record =
      replaced(kSmall, " hash=00ff00ff00ff00ff source=\"my chips/c.yaml\"", "");
  const ir::Program old =
      ir::parse_program(replaced(v3_without_record, "neurokv-ir 5", "neurokv-ir 2"), "v2.nkir");
  CHECK(old.chip.name == "c");
  CHECK(old.chip.hash.empty());
  CHECK(old.chip.source.empty());
  CHECK(ir::print_program(old) == v3_without_record);
}

TEST_CASE("parse errors name the line, the column and what was expected") {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {replaced(kSmall, "neurokv-ir 5", "neurokv-ir 1"),
       "f.nkir:1:12: neurokv-ir 1 is not supported, expected version 2 to 5"},
      {replaced(kSmall, "neurokv-ir 5", "neurokv-ir 6"),
       "f.nkir:1:12: neurokv-ir 6 is not supported, expected version 2 to 5"},
      {replaced(kSmall, "neurokv-ir 5", "neurokv 4"),
       "f.nkir:1:1: the file starts with 'neurokv', expected 'neurokv-ir 5'"},
      {"", "f.nkir:1:1: the file ends at once, expected 'neurokv-ir 5'"},
      {std::string("\x7f"
                   "ELF\x02\x01\x01\0\0",
                   9),
       "f.nkir:1:1: byte 0x7f is not text, expected a UTF-8 text file"},
      {replaced(kSmall, "layers=1", "layers=1\x01"), "f.nkir:2:20: byte 0x01 is not text"},
      {replaced(kSmall, "role=k ", "colour=red "),
       "f.nkir:9:32: unknown field 'colour=red', expected key=value with a key among layer, role,"},
      {replaced(kSmall, "d_model=4", "d_model=4x"),
       "f.nkir:2:30: unexpected 'x' in d_model, expected an integer from 0 to 10000000"},
      {replaced(kSmall, "d_model=4", "d_model=four"),
       "f.nkir:2:29: d_model 'four' is not valid, expected an integer from 0 to 10000000"},
      {replaced(kSmall, "d_model=4", "d_model=99999999999999999999"),
       "f.nkir:2:29: d_model 99999999999999999999 is out of range"},
      {replaced(kSmall, "input_density=0.35", "input_density=1.5"),
       "f.nkir:9:82: input_density 1.5 is out of range, expected a number from 0 to 1"},
      {replaced(kSmall, "input_density=0.35", "input_density=nan"),
       "f.nkir:9:82: input_density nan is out of range"},
      {replaced(kSmall, "d_model=4", "d_model=4 d_model=4"),
       "f.nkir:2:31: 'd_model' given twice, expected each key once"},
      {replaced(kSmall, "op %1 ", "op %0 "), "f.nkir:11:4: op %0 is defined twice, expected %1 next"},
      {replaced(kSmall, "op %1 ", "op %2 "), "f.nkir:11:4: op %2 skips ahead, expected %1 next"},
      {replaced(kSmall, "  tile 0 np=(0,0,0) out=0..2", "  tile 1 np=(0,0,0) out=0..2"),
       "f.nkir:12:8: op %1 tile 1 skips ahead, expected 0 next"},
      {replaced(kSmall, "inputs=%0", "inputs=%0,%7"),
       "f.nkir:11:37: op %1 takes input %7, expected an op defined above it"},
      {replaced(kSmall, "buffer=@0", "buffer=@3"),
       "f.nkir:11:69: op %1 refers to buffer @3, expected one of the 1 buffers above"},
      {replaced(kSmall, "tiles=0 hops", "tiles=0,4 hops"),
       "f.nkir:13:19: op %1 (l0.k_append) has no tile 4, expected a tile index below 1"},
      {replaced(kSmall, "route %0.0", "route %0.3"), "f.nkir:13:7: op %0 (l0.k_proj) has no tile 3"},
      {replaced(kSmall, "dst=%1", "dst=%9"),
       "f.nkir:13:12: op %9 is not defined, expected one of the 2 ops %0..%1"},
      {replaced(kSmall, "  step %1 wave=1 waits=%0\nschedule decode",
                "  step %1 wave=1 waits=%5\nschedule decode"),
       "f.nkir:16:18: op %5 is not defined"},
      {kSmall.substr(0, kSmall.find("schedule decode")),
       "f.nkir:17:1: the file ends early, expected 'schedule decode' and more up to 'end' (truncated file?)"},
      {replaced(kSmall, "np=(0,0,0) out=0..4", "np=(0,0,0)"),
       "f.nkir:10:36: missing out=, expected a range begin..end"},
      {replaced(kSmall, "buffer @0", "op %0 x add\nbuffer @0"),
       "f.nkir:9:1: 'buffer' is out of order after 'op', expected the order"},
      {replaced(kSmall, "precision weight_bits=8 act_bits=8 kv_bits=4\n", ""),
       "f.nkir:5:1: 'context' came before 'precision', expected 'precision' first"},
      {replaced(kSmall, "context 8\n", "context 8\ncontext 8\n"),
       "f.nkir:7:1: 'context' given twice, expected one"},
      {replaced(kSmall, "buffer @0", "tile 0 np=(0,0,0) out=0..1\nbuffer @0"),
       "f.nkir:8:1: 'tile' outside an op"},
      {replaced(kSmall, "out=0..4", "out=4..2"),
       "f.nkir:10:25: out 4..2 runs backwards, expected begin <= end"},
      {replaced(kSmall, "np=(0,0,0) out=0..4", "np=(0,0) out=0..4"),
       "f.nkir:10:13: np '(0,0)' is not valid, expected an NP as (x,y,np)"},
      {replaced(kSmall, "model tiny", "model \"tiny"), "f.nkir:2:7: name has no closing quote"},
      {replaced(kSmall, "model tiny", "model \"ti\\qny\""), "f.nkir:2:10: unknown escape in name"},
      {replaced(kSmall, "role=k in_", "role=key in_"),
       "f.nkir:9:37: role 'key' is unknown, expected one of none, q, k, v, o, mlp_up, mlp_down, lm_head"},
      {replaced(kSmall, "fused_kv yes", "fused_kv maybe"),
       "f.nkir:7:10: fused_kv 'maybe' is not valid, expected yes or no"},
      {replaced(kSmall, "schedule prefill", "schedule warmup"),
       "f.nkir:14:10: unknown schedule 'warmup', expected prefill or decode"},
      {replaced(kSmall, "route %0.0", "rout %0.0"),
       "f.nkir:13:1: unknown line 'rout', expected one of model,"},
      {kSmall + "op %2 late add\n", "f.nkir:21:1: text after 'end', expected nothing more"},
      {replaced(kSmall,
                "chip c mesh_cols=1 mesh_rows=1 nps_per_node=1 weight_sram_bytes=64 has_dram=yes "
                "hash=00ff00ff00ff00ff source=\"my chips/c.yaml\"",
                "chip"),
       "f.nkir:4:5: missing name, expected a name"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const std::string message = parse_error(c.text);
    CHECK(message.substr(0, c.message.size()) == c.message);
  }
}

TEST_CASE("hostile input fails cleanly") {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 256);
  CHECK_THROWS_AS(ir::parse_program(garbage, "g"), InputError);
  CHECK_THROWS_AS(ir::parse_program(replaced(kSmall, "tiles=0", "tiles=" + std::string(100000, '1')), "g"),
                  InputError);
  CHECK_THROWS_AS(ir::parse_program(replaced(kSmall, "op %1 ", "op %9999999999 "), "g"), InputError);
  CHECK_THROWS_AS(ir::parse_program(replaced(kSmall, "op %1 ", "op %5000000 "), "g"), InputError);
  CHECK_THROWS_AS(ir::parse_program(std::string(1 << 20, '('), "g"), InputError);
  for (std::size_t cut = 0; cut + 1 < kSmall.size();
       ++cut) {  // every truncation before the last newline is refused
    CHECK_THROWS_AS(ir::parse_program(kSmall.substr(0, cut), "g"), InputError);
  }
}

TEST_CASE("load_program reads a file and names it in errors") {
  const std::string path = "test_ir_load.nkir";
  std::ofstream(path) << replaced(kSmall, "context 8", "context eight");
  try {
    ir::load_program(path);
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).rfind(path + ":6:9: context 'eight' is not valid", 0) == 0);
  }
  std::ofstream(path) << kSmall;
  CHECK(ir::load_program(path).ops.size() == 2);
  std::remove(path.c_str());
  CHECK_THROWS_WITH(ir::load_program("no/such/file.nkir"),
                    "no/such/file.nkir: cannot open the file, expected a readable .nkir file");
}

TEST_CASE("op widths and tile ranges are bounded by 2^31, as docs/ir.md says") {
  CHECK(parse_error(replaced(kSmall, "in_features=4", "in_features=2147483648")) == "(parsed without error)");
  CHECK_THAT(parse_error(replaced(kSmall, "in_features=4", "in_features=2147483649")),
             Catch::Contains("f.nkir:9:") && Catch::Contains("2147483648"));
  CHECK_THAT(parse_error(replaced(kSmall, "out=0..4 weight_bytes=16", "out=0..2147483649 weight_bytes=16")),
             Catch::Contains("f.nkir:10:") && Catch::Contains("2147483648"));
}
