// `neurokv compile` and `neurokv ir`, through the built command line.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/cli_runner.hpp"

using neurokv::test::run_cli;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string temp_path(const std::string& name) { return "/tmp/neurokv-e2e-" + name; }

}  // namespace

TEST_CASE("compile writes a program that verifies and prints back byte for byte, with its summary") {
  const std::string program = temp_path("qkeqv.nkir");
  const std::string summary = temp_path("qkeqv.json");
  const auto r = run_cli("compile --model edge-tiny --variant Q-K=V -o " + program + " --json " + summary);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("edge-tiny Q-K=V on akida2-like") != std::string::npos);

  const auto verified = run_cli("ir verify " + program + " --hw akida2-like");
  CHECK(verified.exit_code == 0);
  CHECK(verified.out.find(": ok (") != std::string::npos);
  const auto printed = run_cli("ir print " + program);
  CHECK(printed.exit_code == 0);
  CHECK(printed.out == read_file(program));

  const auto json = nlohmann::json::parse(read_file(summary));
  CHECK(json["variant"] == "Q-K=V");
  CHECK(json["op_counts"]["v_proj"] == 0);
  CHECK(json["op_counts"]["q_proj"] == 4);
  CHECK(json["op_counts"]["k_proj"] == 4);
  CHECK(json["dram_weight_bytes"] == 0);  // edge-tiny stays on chip
  CHECK(json["kv_cache"]["bytes_per_token"] == 4 * 256);
  CHECK(json["passes"].size() >= 7);
  std::remove(program.c_str());
  std::remove(summary.c_str());
}

TEST_CASE("compile refuses a variant list and a model that does not fit, naming what is wrong") {
  const auto several = run_cli("compile --model edge-tiny --variant QKV,MQA -o -");
  CHECK(several.exit_code == 2);
  CHECK(several.err.find("compile takes one variant") != std::string::npos);

  // A chip with 4 NPs of 4 KiB and no DRAM cannot hold edge-tiny's weights.
  const std::string chip = temp_path("tiny-chip.yaml");
  std::string text = read_file(std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs/akida2-like.yaml");
  const auto dram = text.find("dram:\n");
  text = text.substr(0, dram) + text.substr(text.find("energy:\n"));
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"cols: {value: 8,", "cols: {value: 2,"},
                                 {"rows: {value: 8,", "rows: {value: 1,"},
                                 {"weight_sram_bytes: {value: 51200,", "weight_sram_bytes: {value: 4096,"}}) {
    text.replace(text.find(from), from.size(), to);
  }
  std::ofstream(chip) << text;
  const auto kv = run_cli("compile --model edge-tiny --hw " + chip + " -o -");
  CHECK(kv.exit_code == 2);
  CHECK(kv.err.find("KV buffer l0.k needs 524288 bytes") != std::string::npos);
  const auto r = run_cli("compile --model edge-tiny --hw " + chip + " --context 64 -o -");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("op ") != std::string::npos);
  CHECK(r.err.find("the chip has") != std::string::npos);
  CHECK(r.out.empty());
  std::remove(chip.c_str());
}

TEST_CASE("simulate runs a compiled program on the transaction model and writes its traces") {
  const std::string program = temp_path("sim.nkir");
  const std::string trace = temp_path("sim-trace.json");
  const std::string vcd = temp_path("sim.vcd");
  REQUIRE(run_cli("compile --model edge-tiny --variant Q-K=V --context 256 -o " + program).exit_code == 0);
  const auto r = run_cli("simulate " + program + " --prompt 32 --tokens 2 --trace " + trace + " --vcd " +
                         vcd + " --json -");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  CHECK(report["fidelity"] == "transaction");
  CHECK(report["variants"][0]["variant"] == "Q-K=V");
  CHECK(report["variants"][0]["decode"]["cycles"].get<double>() > 0);
  CHECK(report["variants"][0]["prefill"]["cycles"].get<double>() >
        report["variants"][0]["decode"]["cycles"].get<double>());
  CHECK(nlohmann::json::parse(read_file(trace))["traceEvents"].size() > 10);
  CHECK(read_file(vcd).find("$enddefinitions") != std::string::npos);

  const auto too_long = run_cli("simulate " + program + " --prompt 250 --tokens 10");
  CHECK(too_long.exit_code == 2);
  CHECK(too_long.err.find("--prompt 250 + --tokens 10 exceeds --context 256") != std::string::npos);
  const auto wrong_chip = run_cli("simulate " + program + " --hw akd1500-like");
  CHECK(wrong_chip.exit_code == 2);
  for (const auto& path : {program, trace, vcd}) std::remove(path.c_str());
}

TEST_CASE(
    "compile --print-after shows the IR after the named passes on stderr, and refuses an unknown pass") {
  const auto one = run_cli("compile --model edge-tiny --variant Q-K=V --print-after quantize,lower");
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  // After quantize: bit widths set, the KV cache not yet planned (context 0 until plan_kv_cache).
  const auto quantized = one.err.find(
      "# neurokv: IR after quantize\ngraph edge-tiny variant=Q-K=V kv_heads=4 bits=w8/a8/kv8 context=0 "
      "fused_kv=true\n");
  const auto lowered = one.err.find("# neurokv: IR after lower\nneurokv-ir 5\n");
  CHECK(quantized != std::string::npos);
  CHECK(lowered != std::string::npos);
  CHECK(quantized < lowered);
  CHECK(one.err.find("IR after frontend") == std::string::npos);
  CHECK(one.err.find("l0.q_proj = linear.q(l0.ln1) in=256 out=256 bias density=0.5 w8 a8\n") !=
        std::string::npos);
  // No V projection after apply_variant in Q-K=V.
  CHECK(one.err.find("v_proj") == std::string::npos);

  const auto unknown = run_cli("compile --model edge-tiny --print-after qantize");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("--print-after: unknown pass 'qantize', expected one of frontend, apply_variant, "
                         "quantize, plan_kv_cache, partition, place, route, schedule, lower or all") !=
        std::string::npos);
}

TEST_CASE("compile --print-after-dir writes one numbered file per pass, the last being the program") {
  const std::string dir = temp_path("passes");
  const std::string program = temp_path("passes.nkir");
  const auto r =
      run_cli("compile --model edge-tiny --variant MQA -o " + program + " --print-after-dir " + dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(read_file(dir + "/09-lower.nkir") == read_file(program));
  CHECK(read_file(dir + "/01-frontend.txt").rfind("graph edge-tiny variant=QKV ", 0) == 0);
  CHECK(read_file(dir + "/02-apply_variant.txt").rfind("graph edge-tiny variant=MQA kv_heads=1 ", 0) == 0);
  CHECK(read_file(dir + "/08-schedule.txt").find("\ndecode ") != std::string::npos);
  std::remove(program.c_str());
  std::filesystem::remove_all(dir);
}
