#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "compiler/ir/mesh.hpp"
#include "compiler/ir/printer.hpp"
#include "compiler/ir/verifier.hpp"
#include "compiler/support/error.hpp"
#include "tests/e2e/cli_runner.hpp"
#include "tests/unit/ir_sample.hpp"

namespace ir = neurokv::ir;
using neurokv::test::CliResult;
using neurokv::test::run_cli;
using neurokv::test::sample_program;

namespace {

neurokv::HwConfig sample_chip() {
  neurokv::HwConfig hw;
  hw.name = "test-chip";
  hw.mesh_cols = 2;
  hw.mesh_rows = 2;
  hw.nps_per_node = 4;
  hw.np.weight_sram_bytes = 4096;
  hw.np.input_sram_bytes = 4096;
  hw.np.weight_bits = {4, 8};
  hw.np.activation_bits = {8};
  hw.np.kv_bits = {8, 16};
  hw.dram.present = true;
  return hw;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string text;
  for (const auto& p : problems) text += p + "\n";
  return text;
}

struct Corruption {
  const char* check;
  std::function<void(ir::Program&)> corrupt;
  std::string expected;  // a problem must contain this
};

}  // namespace

TEST_CASE("the sample program is sound for its chip") {
  const ir::Program program = sample_program();
  CHECK(joined(ir::verify_program(program)).empty());
  CHECK(joined(ir::verify_against(program, sample_chip())).empty());
  CHECK_NOTHROW(ir::check_program(program, "sample", sample_chip()));
}

TEST_CASE("each verifier check catches its corruption") {
  const std::vector<Corruption> corruptions = {
      {"dense ids", [](ir::Program& p) { p.ops[3].id = 7; },
       "op %7 l0.ln1 is at position 3, expected ids 0..n-1"},
      {"tile index", [](ir::Program& p) { p.ops[4].tiles[1].index = 0; },
       "op %4 l0.q_proj tile 1 has index 0, expected 1"},
      {"input reference", [](ir::Program& p) { p.ops[4].inputs = {40}; },
       "op %4 l0.q_proj takes input %40, expected an op defined before it"},
      {"tied reference", [](ir::Program& p) { p.ops[22].tied_to = 22; }, "op %22 lm_head is tied to %22"},
      {"buffer reference", [](ir::Program& p) { p.ops[7].buffer = 9; },
       "op %7 l0.k_append (kv_append) refers to buffer @9, expected one of the 2 buffers"},
      {"buffer on a non-KV op", [](ir::Program& p) { p.ops[2].buffer = 0; },
       "op %2 embed_add (add) refers to buffer @0, expected none"},
      {"coverage gap", [](ir::Program& p) { p.ops[4].tiles[1].out_begin = 5; },
       "op %4 l0.q_proj leaves 4..5 uncovered, expected its tiles to cover 0..8"},
      {"coverage overlap", [](ir::Program& p) { p.ops[4].tiles[1].out_begin = 3; },
       "op %4 l0.q_proj tile 1 covers 3..8, overlapping what its other tiles cover up to 4"},
      {"coverage short", [](ir::Program& p) { p.ops[4].tiles[1].out_end = 7; },
       "op %4 l0.q_proj tiles cover 0..7, expected 0..8 (output channels)"},
      {"heads coverage",
       [](ir::Program& p) {
         p.ops[11].tiles.pop_back();
         p.routes[1].dst_tiles = {0};
       },
       "op %11 l0.score tiles cover 0..1, expected 0..2 (query heads)"},
      {"kv heads coverage", [](ir::Program& p) { p.ops[9].tiles[0].out_end = 1; },
       "op %9 l0.k_read tiles cover 0..1, expected 0..2 (key/value heads)"},
      {"empty tile",
       [](ir::Program& p) {
         p.ops[0].tiles.push_back({1, {0, 0, 0}, 8, 8, 0, 0});
       },
       "op %0 embed tile 1 covers 8..8, expected a non-empty range"},
      {"no tiles", [](ir::Program& p) { p.ops[2].tiles.clear(); },
       "op %2 embed_add has no tiles, expected tiles covering 0..8"},
      {"NP column",
       [](ir::Program& p) {
         p.ops[0].tiles[0].np = {2, 0, 0};
       },
       "op %0 embed tile 0 is on NP (2,0,0), outside the 2x2 mesh of 4 NPs per node"},
      {"NP index",
       [](ir::Program& p) {
         p.ops[0].tiles[0].np = {0, 0, 4};
       },
       "op %0 embed tile 0 is on NP (0,0,4), outside"},
      {"buffer NP",
       [](ir::Program& p) {
         p.buffers[0].nps[1] = {0, 5, 0};
       },
       "buffer @0 l0.k is on NP (0,5,0), outside"},
      {"resident weights", [](ir::Program& p) { p.chip.weight_sram_bytes = 150; },
       "NP (0,0,0) holds 164 bytes of resident weights (l0.q_proj, lm_head), it has 150 bytes of weight "
       "SRAM"},
      {"streamed pass", [](ir::Program& p) { p.ops[6].tiles[1].weight_bytes = 5000; },
       "op %6 l0.v_proj pass 2 loads 5000 bytes into NP (1,1,0) beside 0 resident bytes, the NP has 4096 "
       "bytes of weight SRAM"},
      {"streamed beside resident",
       [](ir::Program& p) {
         p.ops[6].tiles[0].np = {0, 0, 0};
         p.ops[6].tiles[0].weight_bytes = 4000;
       },
       "op %6 l0.v_proj pass 1 loads 4000 bytes into NP (0,0,0) beside 164 resident bytes"},
      {"resident pass", [](ir::Program& p) { p.ops[5].tiles[0].pass = 1; },
       "op %5 l0.k_proj tile 0 is resident but has pass 1, expected pass 0"},
      {"KV SRAM", [](ir::Program& p) { p.chip.input_sram_bytes = 16; },
       "NP (0,1,0) holds 32 bytes of KV cache (l0.k), it reserves 8 of its 16 bytes of input SRAM for the KV "
       "cache"},
      {"KV SRAM beyond the KV share",  // fits the whole input SRAM, not the half plan_kv_cache reserves
       [](ir::Program& p) { p.chip.input_sram_bytes = 40; },
       "NP (0,1,0) holds 32 bytes of KV cache (l0.k), it reserves 20 of its 40 bytes"},
      {"KV SRAM shared",
       [](ir::Program& p) {
         p.chip.input_sram_bytes = 80;
         p.buffers[1].location = ir::Storage::Sram;
         p.buffers[1].nps = {{0, 1, 1}};
       },
       "NP (0,1,1) holds 96 bytes of KV cache (l0.k, l0.v), it reserves 40 of its 80 bytes"},
      {"buffer without heads",  // the simulator divided by a buffer's kv_heads
       [](ir::Program& p) {
         p.buffers[0].kv_heads = 0;
         p.buffers[0].bytes_per_token = 0;
       },
       "buffer @0 l0.k has kv_heads 0 and head_dim 4, expected at least 1 of each"},
      {"buffer heads differ from its ops'",
       [](ir::Program& p) {
         p.buffers[0].kv_heads = 1;
         p.buffers[0].bytes_per_token = 4;
         p.buffers[1].kv_heads = 1;
         p.buffers[1].bytes_per_token = 4;
         p.kv_heads = 1;
       },
       "op %7 l0.k_append has kv_heads 2 and head_dim 4, expected its buffer @0 l0.k's 1 and 4"},
      {"kv_read tiles beyond the buffer's heads",
       [](ir::Program& p) {
         p.ops[9].kv_heads = 3;
         p.ops[9].tiles[0].out_end = 3;
       },
       "op %9 l0.k_read has kv_heads 3 and head_dim 4, expected its buffer @0 l0.k's 2 and 4"},
      {"kv_append row width",
       [](ir::Program& p) {
         p.ops[7].out_features = 6;
         p.ops[7].tiles[0].out_end = 6;
       },
       "op %7 l0.k_append has out_features 6, expected one row of buffer @0 l0.k: kv_heads 2 x head_dim 4 = "
       "8"},
      {"buffer bits", [](ir::Program& p) { p.precision.kv_bits = 16; },
       "buffer @0 l0.k stores 8-bit values, expected the program's kv_bits 16"},
      {"header kv_heads", [](ir::Program& p) { p.kv_heads = 1; },
       "the program has kv_heads 1, expected its buffers' 2"},
      {"header kv_heads with differing buffers",
       [](ir::Program& p) {
         p.buffers[1].kv_heads = 1;
         p.buffers[1].bytes_per_token = 4;
       },
       "the program has kv_heads 2, expected 0: its buffers' kv_heads differ (1, 2)"},
      {"linear weight bytes", [](ir::Program& p) { p.ops[4].tiles[1].weight_bytes = 1; },
       "op %4 l0.q_proj tile 1 has weight_bytes 1, expected 36 for 4 channels of 72 bits each at 8-bit "
       "weights"},
      {"layernorm weight bytes", [](ir::Program& p) { p.ops[3].tiles[0].weight_bytes = 8; },
       "op %3 l0.ln1 tile 0 has weight_bytes 8, expected 16 for 8 channels of 16 bits each"},
      {"tied embedding holds no weights", [](ir::Program& p) { p.ops[0].tiles[0].weight_bytes = 128; },
       "op %0 embed tile 0 has weight_bytes 128, expected 0"},
      {"weightless op", [](ir::Program& p) { p.ops[2].tiles[0].weight_bytes = 4; },
       "op %2 embed_add tile 0 has weight_bytes 4, expected 0"},
      {"streamed pass 0", [](ir::Program& p) { p.ops[6].tiles[0].pass = 0; },
       "op %6 l0.v_proj tile 0 is streamed but has pass 0, expected pass 1 or later"},
      {"streamed ops share a pass",
       [](ir::Program& p) {
         p.ops[5].weights = ir::Storage::Dram;
         p.ops[5].tiles[0].pass = 2;
       },
       "op %6 l0.v_proj tile 1 loads in pass 2, which is already op %5 l0.k_proj's"},
      {"duplicate route", [](ir::Program& p) { p.routes.push_back(p.routes[2]); },
       "route 4 (%5.0 to %7) repeats route 2, expected one route per source tile and destination op"},
      {"SRAM buffer without NPs", [](ir::Program& p) { p.buffers[0].nps.clear(); },
       "buffer @0 l0.k is in SRAM on no NP"},
      {"bytes per token", [](ir::Program& p) { p.buffers[0].bytes_per_token = 9; },
       "buffer @0 l0.k has bytes_per_token 9, expected kv_heads 2 x head_dim 4 x 8 bits / 8 = 8"},
      {"buffer capacity", [](ir::Program& p) { p.buffers[1].capacity_tokens = 4; },
       "buffer @1 l0.v holds 4 tokens, expected at least the 8 its readers attend to (the program's context, "
       "or their window)"},
      {"DRAM weights", [](ir::Program& p) { p.chip.has_dram = false; },
       "op %6 l0.v_proj streams its weights from DRAM, but chip test-chip has no DRAM"},
      {"DRAM buffer", [](ir::Program& p) { p.chip.has_dram = false; },
       "buffer @1 l0.v is in DRAM, but chip test-chip has no DRAM"},
      {"input density", [](ir::Program& p) { p.ops[5].input_density = 1.5; },
       "op %5 l0.k_proj has input_density 1.5, expected a fraction from 0 to 1"},
      {"route hops", [](ir::Program& p) { p.routes[0].hops = 5; },
       "route 0 (%3.0 to %4) has 5 hops, expected 1 (the XY multicast tree from NP (0,0,2))"},
      {"route multicast hops", [](ir::Program& p) { p.routes[1].hops = 1; },
       "route 1 (%4.1 to %11) has 1 hops, expected 2 (the XY multicast tree from NP (1,0,0))"},
      {"route destination tile",
       [](ir::Program& p) {
         p.routes[0].dst_tiles = {0, 2};
       },
       "route 0 (%3.0 to %4) goes to tile 2, but op %4 l0.q_proj has 2 tiles"},
      {"route tile order",
       [](ir::Program& p) {
         p.routes[0].dst_tiles = {1, 0};
       },
       "route 0 (%3.0 to %4) lists tile 0 out of order, expected ascending"},
      {"route without destinations", [](ir::Program& p) { p.routes[2].dst_tiles = {}; },
       "route 2 (%5.0 to %7) has no destination tiles"},
      {"route source tile", [](ir::Program& p) { p.routes[2].src_tile = 3; },
       "route 2 (%5.3 to %7) starts at a tile that does not exist"},
      {"route destination op", [](ir::Program& p) { p.routes[2].dst_op = 99; },
       "route 2 (%5.0 to %99) goes to an op that does not exist"},
      {"route data flow", [](ir::Program& p) { p.routes[2].dst_op = 8; },
       "route 2 (%5.0 to %8) feeds op %8 l0.v_append, which does not take %5 as an input"},
      {"schedule misses an op", [](ir::Program& p) { p.decode.pop_back(); },
       "schedule decode leaves out 1 ops: %22 lm_head"},
      {"schedule twice", [](ir::Program& p) { p.prefill.push_back(p.prefill[0]); },
       "schedule prefill lists op %0 embed twice"},
      {"schedule unknown op", [](ir::Program& p) { p.decode[0].op = 50; },
       "schedule decode lists op %50, which does not exist"},
      {"wait on a later op", [](ir::Program& p) { p.decode[3].waits = {5}; },
       "schedule decode: op %3 l0.ln1 waits on %5, which is not scheduled before it"},
      {"input scheduled later", [](ir::Program& p) { std::swap(p.decode[2], p.decode[3]); },
       "schedule decode: op %3 l0.ln1 takes input from %2, which is not scheduled before it"},
      {"wave order", [](ir::Program& p) { p.decode[3].wave = 1; },
       "schedule decode: op %3 l0.ln1 in wave 1 waits on op %2 embed_add in wave 1, expected a later wave"},
      {"last token in decode", [](ir::Program& p) { p.decode[22].last_token_only = true; },
       "schedule decode marks op %22 lm_head last_token_only, expected that only in prefill"},
      {"chip mesh", [](ir::Program& p) { p.chip.nps_per_node = 0; },
       "chip test-chip has a 2x2 mesh with 0 NPs per node, expected positive sizes"},
  };
  for (const Corruption& c : corruptions) {
    ir::Program program = sample_program();
    c.corrupt(program);
    const std::string problems = joined(ir::verify_program(program));
    INFO(c.check << "\n" << problems);
    CHECK(problems.find(c.expected) != std::string::npos);
  }
}

TEST_CASE("the verifier survives absurd sizes and ids in a hand-built program") {
  ir::Program program = sample_program();
  for (ir::Op& op : program.ops) {
    op.id = -op.id - 1000;
    for (ir::Tile& tile : op.tiles) tile.weight_bytes = int64_t{1} << 62;
  }
  program.buffers[0].capacity_tokens = int64_t{1} << 40;
  program.buffers[0].bytes_per_token = int64_t{1} << 40;
  program.routes[0].src_op = -5;
  program.decode[0].waits = {-1, 1 << 30};
  CHECK(ir::verify_program(program).size() > 20);
}

TEST_CASE("verify_against names every difference from the chip given") {
  neurokv::HwConfig hw = sample_chip();
  hw.name = "other";
  hw.mesh_cols = 8;
  hw.dram.present = false;
  const std::string problems = joined(ir::verify_against(sample_program(), hw));
  CHECK(problems ==
        "the program's chip has name test-chip, chip other has other\n"
        "the program's chip has mesh_cols 2, chip other has 8\n"
        "the program's chip has has_dram true, chip other has false\n");
}

TEST_CASE("verify_against refuses widths the chip does not list") {
  neurokv::HwConfig hw = sample_chip();
  ir::Program program = sample_program();
  program.precision = {4, 8, 16};
  CHECK(joined(ir::verify_against(program, hw)).empty());  // every width listed
  program.precision = {3, 2, 2};
  program.ops[4].weight_bits = 3;  // the simulator has no MAC energy for 3-bit weights
  const std::string problems = joined(ir::verify_against(program, hw));
  CHECK(problems ==
        "the program's weight_bits is 3 bits, chip test-chip supports 4, 8 (np.weight_bits)\n"
        "the program's act_bits is 2 bits, chip test-chip supports 8 (np.activation_bits)\n"
        "the program's kv_bits is 2 bits, chip test-chip supports 8, 16 (np.kv_bits)\n"
        "op %4 l0.q_proj's weight_bits is 3 bits, chip test-chip supports 4, 8 (np.weight_bits)\n");
}

TEST_CASE("check_program throws an InputError listing the problems") {
  ir::Program program = sample_program();
  program.routes[0].hops = 5;
  CHECK_THROWS_WITH(ir::check_program(program, "bad.nkir"),
                    "bad.nkir: 1 problem: route 0 (%3.0 to %4) has 5 hops, expected 1 (the XY multicast tree "
                    "from NP (0,0,2))");
}

TEST_CASE("neurokv ir verify and ir print on a good and a bad file") {
  const std::string good = "test_ir_cli_good.nkir", bad = "test_ir_cli_bad.nkir";
  ir::Program program = sample_program();
  const std::string text = ir::print_program(program);
  std::ofstream(good) << text;
  program.routes[0].hops = 5;
  std::ofstream(bad) << ir::print_program(program);

  const CliResult ok = run_cli("ir verify " + good);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == good + ": ok (23 ops, 26 tiles, 4 routes)\n");
  // Its chip (test-chip) is no shipped chip: checked on its own, and a note says so.
  CHECK(ok.err.find("neurokv: note: " + good +
                    ": its chip test-chip was not found, so it was checked without one") !=
        std::string::npos);

  const CliResult failed = run_cli("ir verify " + bad);
  CHECK(failed.exit_code == 2);
  CHECK(failed.out + failed.err == failed.err);  // the error alone, on stderr
  CHECK(failed.err.find("neurokv: error: " + bad + ": 1 problem: route 0 (%3.0 to %4) has 5 hops") == 0);

  const CliResult other_chip = run_cli("ir verify " + good + " --hw akida2-like");
  CHECK(other_chip.exit_code == 2);
  CHECK(other_chip.err.find("the program's chip has name test-chip, chip akida2-like has akida2-like") !=
        std::string::npos);

  const CliResult printed = run_cli("ir print " + good);
  CHECK(printed.exit_code == 0);
  CHECK(printed.out == text);
  CHECK(printed.err.empty());

  const CliResult missing = run_cli("ir verify no-such-file.nkir");
  CHECK(missing.exit_code == 2);
  std::remove(good.c_str());
  std::remove(bad.c_str());
}

TEST_CASE("np_coord inverts np_index: NPs numbered node by node in row-major order") {
  // A 3 × 2 mesh of 4 NPs a node: NP 2 of node (1,1) is node 4's third NP, index 4 × 4 + 2.
  CHECK(ir::np_index({1, 1, 2}, 3, 4) == 18);
  CHECK(ir::np_coord(18, 3, 4) == ir::NpCoord{1, 1, 2});
  for (int i = 0; i < 3 * 2 * 4; ++i) CHECK(ir::np_index(ir::np_coord(i, 3, 4), 3, 4) == i);
}
