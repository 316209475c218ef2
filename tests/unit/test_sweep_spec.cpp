// Sweep specs: grids checked against the chip file, bad specs named by place, ranges.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "compiler/config/hw_override.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "sweep/compile_cache.hpp"
#include "sweep/journal.hpp"
#include "sweep/pareto.hpp"
#include "sweep/plots.hpp"
#include "sweep/runner.hpp"
#include "tests/unit/sweep_fixture.hpp"
#include "tests/unit/sweep_helpers.hpp"

using namespace neurokv;
using namespace neurokv::sweep;
using namespace neurokv::test;

TEST_CASE("grid keys and values are checked against the chip file before any point runs") {
  CHECK_THROWS_WITH(
      plan_of("model: paper-300m\nhw: akida2-like\ncontexts: [256]\ngrid:\n  np.mac_lane: [4]\n"),
      Catch::Contains("spec.yaml:5:16: unknown grid key 'np.mac_lane'") && Catch::Contains("np.mac_lanes") &&
          Catch::Contains("dram.bandwidth_bytes_per_s"));
  CHECK_THROWS_WITH(
      plan_of("model: paper-300m\nhw: akida2-like\ncontexts: [256]\ngrid:\n  np.mac_lanes: [4, 0]\n"),
      Catch::Contains("spec.yaml:5:17: grid values np.mac_lanes = 0 do not make a valid chip") &&
          Catch::Contains("akida2-like.yaml:"));
  CHECK_THROWS_WITH(
      plan_of("model: paper-300m\nhw: akida2-like\ncontexts: [256]\ngrid:\n  np.weight_bits: [4]\n"),
      Catch::Contains("unknown grid key 'np.weight_bits'"));
  // Precisions the chip lacks are refused at the spec's line too, not by the compiler at the first point.
  CHECK_THROWS_WITH(plan_of("model: paper-300m\nhw: akida2-like\ncontexts: [256]\nkv_bits: 2\n"),
                    Catch::StartsWith("spec.yaml:4:10: kv_bits 2: chip akida2-like supports 4, 8, 16 bits"));
}

TEST_CASE("the grid's values checked on several threads are refused as one after the other would") {
  // Bad values on both axes, and an unknown key after a bad value: the first axis's first bad value is named.
  const std::string spec_text =
      "model: paper-300m\nhw: akida2-like\ncontexts: [256]\ngrid:\n"
      "  energy.dram_pj_per_byte: [1, -5, 3, -7]\n  dram.bandwidth_bytes_per_s: [1e9, -1]\n  np.mac_lane: "
      "[4]\n";
  for (int jobs : {1, 2, 4}) {
    INFO(jobs << " jobs");
    CHECK_THROWS_WITH(
        SweepPlan::load(parse_spec(spec_text, "spec.yaml"), kModels, kHw, neurokv_version(), jobs),
        Catch::StartsWith(
            "spec.yaml:5:28: grid values energy.dram_pj_per_byte = -5 do not make a valid chip"));
  }
  const std::string unknown_key_second =
      "model: paper-300m\nhw: akida2-like\ncontexts: [256]\ngrid:\n"
      "  energy.dram_pj_per_byte: [1, 3]\n  np.mac_lane: [4]\n  dram.bandwidth_bytes_per_s: [-1]\n";
  CHECK_THROWS_WITH(
      SweepPlan::load(parse_spec(unknown_key_second, "spec.yaml"), kModels, kHw, neurokv_version(), 2),
      Catch::StartsWith("spec.yaml:6:16: unknown grid key 'np.mac_lane'"));
  const std::string good =
      "model: paper-300m\nhw: akida2-like\ncontexts: [256]\ngrid:\n"
      "  energy.dram_pj_per_byte: [1, 3]\n  dram.bandwidth_bytes_per_s: [1e9, 2e9, 4e9]\n";
  CHECK(SweepPlan::load(parse_spec(good, "spec.yaml"), kModels, kHw, neurokv_version(), 2).size() ==
        SweepPlan::load(parse_spec(good, "spec.yaml"), kModels, kHw, neurokv_version(), 1).size());
}

TEST_CASE("bad spec files name the file, line and column") {
  CHECK_THROWS_WITH(parse_spec("model: paper-300m\nhw: akida2-like\ncontexts: [256, x]\n", "s.yaml"),
                    Catch::StartsWith("s.yaml:3:") && Catch::Contains("expected an integer"));
  CHECK_THROWS_WITH(
      parse_spec("model: paper-300m\nhw: akida2-like\ncontexts: [256]\nfidelty: transaction\n", "s.yaml"),
      Catch::StartsWith("s.yaml:4:1: unknown key 'fidelty'"));
  CHECK_THROWS_WITH(
      parse_spec("model: paper-300m\nhw: akida2-like\ncontexts: [256]\nfidelity: exact\n", "s.yaml"),
      Catch::StartsWith("s.yaml:4:") && Catch::Contains("expected analytic, transaction or cycle"));
  CHECK(parse_spec("model: paper-300m\nhw: akida2-like\ncontexts: [256]\nfidelity: cycle\n", "s.yaml")
            .fidelity == Fidelity::Cycle);
  CHECK_THROWS_WITH(
      parse_spec(
          "model: a\nhw: b\ncontexts: [1]\ngrid:\n  clock_hz: {from: 0, to: 1e9, steps: 3, scale: log}\n",
          "s.yaml"),
      Catch::StartsWith("s.yaml:5:") && Catch::Contains("log range"));
  CHECK_THROWS_WITH(
      parse_spec("model: a\nhw: b\ncontexts: [1]\ngrid:\n  mesh.cols: [4]\n  mesh.cols+mesh.rows: [4]\n",
                 "s.yaml"),
      Catch::Contains("swept twice"));
}

TEST_CASE(
    "a spec whose prompt + tokens exceeds a context is refused at that context, before any point runs") {
  const std::string base =
      "model: edge-tiny\nhw: akida2-like\nfidelity: transaction\ncontexts: [64, 16, 128]\n";
  CHECK_THROWS_WITH(parse_spec(base + "prompt: 32\ntokens: 4\n", "s.yaml"),
                    Catch::StartsWith("s.yaml:4:16: context 16 is shorter than prompt 32 + tokens 4"));
  CHECK_THROWS_WITH(parse_spec(base + "tokens: 20\n", "s.yaml"),
                    Catch::StartsWith("s.yaml:4:16: context 16 is shorter than tokens 20"));
  // Without a prompt each point prefills context - tokens (transaction) or nothing (analytic, as `neurokv
  // estimate`).
  const SweepSpec transaction = parse_spec(base + "tokens: 4\n", "s.yaml");
  CHECK(prompt_at(transaction, 16) == 12);
  CHECK(prompt_at(transaction, 128) == 124);
  CHECK(prompt_at(parse_spec(base + "prompt: 8\n", "s.yaml"), 128) == 8);
  CHECK(prompt_at(parse_spec("model: a\nhw: b\ncontexts: [16]\n", "s.yaml"), 16) == 0);
  const SweepPlan plan = plan_of(base + "variants: [QKV]\n");
  CHECK(plan.options_at(plan.point(1)).prompt == 15);
  CHECK(plan.options_at(plan.point(1)).compile.context == 16);
}

TEST_CASE("decode_only leaves each point's prefill out, and a point with no prompt refuses it") {
  const std::string base = "model: edge-tiny\nhw: akida2-like\nfidelity: transaction\ncontexts: [64, 128]\n";
  const SweepPlan plan = plan_of(base + "variants: [QKV]\ndecode_only: true\n");
  CHECK(plan.options_at(plan.point(1)).prompt == 127);
  CHECK(plan.options_at(plan.point(1)).decode_only);
  CHECK_FALSE(plan_of(base + "variants: [QKV]\n").options_at(plan.point(1)).decode_only);
  // The key enters the hash only when set: a spec that says false keeps the hash of one that says nothing.
  CHECK(plan.hash() != plan_of(base + "variants: [QKV]\n").hash());
  CHECK(plan_of(base + "variants: [QKV]\ndecode_only: false\n").hash() ==
        plan_of(base + "variants: [QKV]\n").hash());
  CHECK_THROWS_WITH(parse_spec("model: a\nhw: b\ncontexts: [16]\ndecode_only: true\n", "s.yaml"),
                    Catch::StartsWith("s.yaml:4:") &&
                        Catch::Contains("decode_only at context 16 with a prompt of 0 tokens"));
  CHECK_THROWS_WITH(parse_spec(base + "prompt: 0\ndecode_only: true\n", "s.yaml"),
                    Catch::Contains("leaves no prefill out"));
  CHECK_THROWS_WITH(parse_spec(base + "decode_only: maybe\n", "s.yaml"), Catch::StartsWith("s.yaml:5:"));
}

TEST_CASE("ranges are inclusive, log or linear, rounded to 6 significant digits") {
  const SweepSpec spec = parse_spec(
      "model: a\nhw: b\ncontexts: [1]\ngrid:\n  x: {from: 1e9, to: 8e9, steps: 4, scale: log}\n"
      "  y: {from: 0, to: 1, steps: 3}\n",
      "s.yaml");
  CHECK(spec.grid[0].values == std::vector<double>{1e9, 2e9, 4e9, 8e9});
  CHECK(spec.grid[1].values == std::vector<double>{0, 0.5, 1});
}
