// The foundation issue's promises, through the built command line.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/e2e/cli_runner.hpp"

using neurokv::test::run_cli;
using nlohmann::json;

namespace {

std::map<std::string, json> by_variant(const json& report) {
  std::map<std::string, json> out;
  for (const json& v : report.at("variants")) out[v.at("variant").get<std::string>()] = v;
  return out;
}

json estimate_json(const std::string& args) {
  const auto r = run_cli("estimate " + args + " --json -");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE(
    "paper-300m parameter counts equal the paper's, and the other variants follow the same accounting") {
  const auto v = by_variant(estimate_json("--model paper-300m --variant all"));
  REQUIRE(v.size() == 8);
  CHECK(v.at("QKV")["params"] == 305534976);
  CHECK(v.at("Q-K=V")["params"] == 284542976);
  CHECK(v.at("Q=K=V")["params"] == 263550976);
  CHECK(v.at("Q=K-V")["params"] == 284542976);
  // GQA-4: K and V project to 4 heads × 64 = 256 channels instead of 1024, in each of 20 layers.
  const int64_t kv_cut = 2 * 20 * (1024 * 768 + 768);
  CHECK(v.at("GQA-4")["params"] == 305534976 - kv_cut);
  CHECK(v.at("MQA")["params"] == 305534976 - 2 * 20 * (1024 * 960 + 960));
  CHECK(v.at("Q-GQA-4")["params"] == 284542976 - 20 * (1024 * 768 + 768));
  CHECK(v.at("Q-MQA")["params"] == 284542976 - 20 * (1024 * 960 + 960));
}

TEST_CASE("paper-300m KV cache with --kv-bits 16 matches the paper's per-token sizes and cuts") {
  const auto v = by_variant(estimate_json("--model paper-300m --variant all --kv-bits 16 --context 32768"));
  CHECK(v.at("QKV")["kv_cache_bytes_per_token"] == 81920);
  CHECK(v.at("Q-K=V")["kv_cache_bytes_per_token"] == 40960);
  CHECK(v.at("GQA-4")["kv_cache_bytes_per_token"] == 20480);
  CHECK(v.at("MQA")["kv_cache_bytes_per_token"] == 5120);
  CHECK(v.at("Q-GQA-4")["kv_cache_bytes_per_token"] == 10240);
  CHECK(v.at("Q-MQA")["kv_cache_bytes_per_token"] == 2560);
  CHECK(v.at("QKV")["kv_cache_bytes"] == int64_t{81920} * 32768);  // 2.5 GiB, the paper's "2.62 GB"
  const std::map<std::string, double> cut = {{"QKV", 0},      {"Q-K=V", 0.5},    {"Q=K-V", 0},
                                             {"Q=K=V", 0.5},  {"GQA-4", 0.75},   {"Q-GQA-4", 0.875},
                                             {"MQA", 0.9375}, {"Q-MQA", 0.96875}};
  for (const auto& [name, expected] : cut) {
    INFO(name);
    CHECK(v.at(name)["kv_cache_reduction"].get<double>() == Approx(expected).margin(1e-12));
  }
}

TEST_CASE("paper-300m QKV forward MACs at N = 2048 are the paper's 792.69 G") {
  const auto v = by_variant(estimate_json("--model paper-300m --variant QKV --context 2048"));
  CHECK(v.at("QKV")["macs_forward_full"].get<double>() / 1e9 == Approx(792.69).margin(0.01));
}

TEST_CASE("energy parts sum to the total, and Q-K=V never costs more than QKV at the same context") {
  for (const char* context : {"128", "2048", "16384"}) {
    INFO("context " << context);
    const auto v = by_variant(estimate_json(std::string("--variant QKV,Q-K=V --context ") + context));
    for (const auto& [name, variant] : v) {
      const json& d = variant["decode"];
      double sum = 0;
      for (const auto& [part, joules] : d["energy_breakdown_j"].items()) sum += joules.get<double>();
      CHECK(sum == Approx(d["energy_j"].get<double>()).epsilon(1e-12));
    }
    CHECK(v.at("Q-K=V")["decode"]["energy_j"].get<double>() <=
          v.at("QKV")["decode"]["energy_j"].get<double>());
    CHECK(v.at("Q-K=V")["decode"]["dram_bytes"].get<double>() <
          v.at("QKV")["decode"]["dram_bytes"].get<double>());
    CHECK(v.at("Q-K=V")["decode"]["cycles"].get<double>() <= v.at("QKV")["decode"]["cycles"].get<double>());
  }
}

TEST_CASE("the report names its schema, model and chip, and the same inputs give the same bytes") {
  const auto first = run_cli("estimate --model edge-tiny --variant all --json -");
  const auto second = run_cli("estimate --model edge-tiny --variant all --json -");
  REQUIRE(first.exit_code == 0);
  CHECK(first.out == second.out);
  const json report = json::parse(first.out);
  CHECK(report["schema"] == "neurokv.report/1");
  CHECK(report["model"]["name"] == "edge-tiny");
  CHECK(report["hw"]["name"] == "akida2-like");
  CHECK(report["hw"]["clock_hz"] == 1e9);
  CHECK(report["context"] == 2048);
}

TEST_CASE("the default job compares all eight variants of paper-300m on akida2-like") {
  const auto r = run_cli("");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (const char* name : {"QKV", "Q-K=V", "Q=K-V", "Q=K=V", "GQA-4", "MQA", "Q-GQA-4", "Q-MQA"}) {
    CHECK(r.out.find(std::string("\n") + name + " ") != std::string::npos);
  }
  CHECK(r.out.find("paper-300m on akida2-like") != std::string::npos);
}

TEST_CASE("bad flags and bad files exit 2 naming the flag or the file and line") {
  struct Case {
    std::string args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"estimate --variant Q+K", "--variant: unknown attention variant 'Q+K'"},
      {"estimate --variant GQA-3", "g = 3 does not divide the model's 16 heads"},
      {"estimate --context 0", "--context"},
      {"estimate --context abc", "--context"},
      {"estimate --kv-bits 3", "--kv-bits"},
      {"estimate --model no-such-model", "no such model file or name"},
      {"estimate --hw no-such-chip", "no such chip file or name"},
      {"estimate --model " NEUROKV_SOURCE_DIR "/README.md", "README.md:"},
      {"estimate --bogus", "--bogus"},
      // A prefill longer than the KV cache the program was planned for.
      {"estimate --model edge-tiny --context 16 --prompt 100000",
       "--prompt 100000 + --tokens 1 exceeds --context 16"},
      {"run --fidelity analytic --model edge-tiny --context 16 --prompt 16", "exceeds --context 16"},
      {"run --model edge-tiny --context 16 --tokens 17", "--tokens 17 exceeds --context 16"},
      // No prompt, no prefill to leave out.
      {"run --model edge-tiny --context 16 --prompt 0 --decode-only",
       "--decode-only: the prompt is 0 tokens"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    const auto r = run_cli(c.args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(r.out.empty());
  }
}

TEST_CASE("estimate --model <cnn> prints a per-frame report with the NPs the mapping uses") {
  const auto all = run_cli("estimate --model ds-cnn-kws --hw akd1000-like");
  INFO(all.err);
  REQUIRE(all.exit_code == 0);
  CHECK(all.out.find("analytic estimate PER FRAME (one input frame, not per token)") != std::string::npos);
  CHECK(all.out.find("NPs used        65 of 80 (1 pass; AllNps spread x16)") != std::string::npos);
  CHECK(all.out.find("note: conv_0 runs on the HRC with 8-bit weights") != std::string::npos);
  const auto minimal = run_cli("estimate --model ds-cnn-kws --hw akd1000-like --map-mode minimal");
  REQUIRE(minimal.exit_code == 0);
  CHECK(minimal.out.find("NPs used        5 of 80 (1 pass)") != std::string::npos);
  // The same report as JSON, per frame.
  const auto js = run_cli("estimate --model akidanet-0.5-224 --hw akd1000-like --json -");
  REQUIRE(js.exit_code == 0);
  const json frame = json::parse(js.out);
  CHECK(frame["schema"] == "neurokv.frame_report/1");
  CHECK(frame["unit"] == "frame");
  CHECK(frame["nps_used"] == 67);  // conv_1 on 4 NPs: 112 columns, at most 32 per Akida 1 NP
  CHECK(frame["params"] == 1375880);
  CHECK(frame["layers"].size() == 15);
  CHECK(frame["layers"][14]["engine"] == "FNP2");
  CHECK(frame["energy_j"].get<double>() ==
        Approx(frame["energy_dynamic_j"].get<double>() + frame["energy_static_j"].get<double>()));
  // Transformer flags are refused for a CNN, and --map-mode for a transformer.
  const auto variant = run_cli("estimate --model ds-cnn-kws --variant QKV");
  CHECK(variant.exit_code == 2);
  CHECK(variant.out.empty());
  CHECK(variant.err.find("ds-cnn-kws: --variant does not apply to a CNN model (network: cnn)") !=
        std::string::npos);
  const auto mode = run_cli("estimate --model edge-tiny --variant QKV --map-mode minimal");
  CHECK(mode.exit_code == 2);
  CHECK(mode.err.find("--map-mode applies to CNN models") != std::string::npos);
}

TEST_CASE("estimate --model <cnn> with measured events executes frames and says so, assumed is unchanged") {
  const auto plain = run_cli("estimate --model ds-cnn-kws --hw akd1500-like --json -");
  const auto assumed = run_cli("estimate --model ds-cnn-kws --hw akd1500-like --events assumed --json -");
  REQUIRE(assumed.exit_code == 0);
  CHECK(assumed.out == plain.out);
  CHECK(!json::parse(assumed.out).contains("events"));
  const auto table =
      run_cli("estimate --model ds-cnn-kws --hw akd1500-like --synthetic-weights 1 --threads 2");
  INFO(table.err);
  REQUIRE(table.exit_code == 0);
  CHECK(
      table.out.find("events          MEASURED by int execution of 8 synthetic frames (uniform random bytes, "
                     "seed 1) with synthetic weights (He-normal, seed 1)") != std::string::npos);
  CHECK(table.out.find("input density   conv_0 1.0000 (HRC: dense), separable_1 0.") != std::string::npos);
  // Two frames from a file: 980 bytes of the 49 × 10 × 1 input.
  const std::string frames =
      (std::filesystem::temp_directory_path() / ("neurokv-kws-frames-" + std::to_string(::getpid()) + ".raw"))
          .string();
  {
    std::ofstream out(frames, std::ios::binary);
    for (int i = 0; i < 980; ++i) out.put(static_cast<char>((i * 37) % 256));
  }
  const auto measured = run_cli(
      "estimate --model ds-cnn-kws --hw akd1500-like --events measured "
      "--synthetic-weights 1 --json - --frames " +
      frames);
  std::filesystem::remove(frames);
  REQUIRE(measured.exit_code == 0);
  const json report = json::parse(measured.out);
  CHECK(report["events"]["source"] == "measured");
  CHECK(report["events"]["frames"] == frames + " (2 frames)");
  CHECK(report["events"]["weights"] == "synthetic weights (He-normal, seed 1)");
  CHECK(report["layers"][0]["input_density"] == 1.0);
  const double density = report["layers"][1]["input_density"].get<double>();
  CHECK((density > 0 && density < 1 && density != 0.5));
  CHECK(report["layers"][1]["events"].get<double>() == Approx(density * 25 * 5 * 64));
}

TEST_CASE("exec --model <cnn> prints each layer's events and each frame's top class") {
  const auto run = run_cli("exec --model ds-cnn-kws --hw akd1500-like --synthetic-weights 1 --json -");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json r = json::parse(run.out);
  CHECK(r["schema"] == "neurokv.cnn_exec/1");
  CHECK(r["frame_count"] == 8);
  CHECK(r["top_class"].size() == 8);
  CHECK(r["layers"].size() == 6);
  CHECK(r["layers"][1]["offered"] == 8 * 25 * 5 * 64);
  int64_t band = 0;
  for (const json& tile : r["layers"][1]["tiles"]) band += tile["band_events"].get<int64_t>();
  CHECK(band == r["layers"][1]["events"].get<int64_t>() * 4);  // 1 band × 4 filter groups, each all of it
  const auto table = run_cli("exec --model ds-cnn-kws --hw akd1500-like --synthetic-weights 1");
  CHECK(table.out.find("int agrees with float on") != std::string::npos);
  const auto no_weights = run_cli("exec --model ds-cnn-kws");
  CHECK(no_weights.exit_code == 2);
  CHECK(no_weights.err.find("a CNN YAML has no weights, expected --synthetic-weights SEED") !=
        std::string::npos);
}

TEST_CASE("run --decode-only reports the decode tokens a full run reports, says so, and runs no prefill") {
  const std::string args = "run --model edge-tiny --variant MQA --context 96 --tokens 2 --json -";
  const auto full = run_cli(args);
  const auto decode_only = run_cli(args + " --decode-only");
  REQUIRE(full.exit_code == 0);
  REQUIRE(decode_only.exit_code == 0);
  const auto f = nlohmann::json::parse(full.out);
  const auto d = nlohmann::json::parse(decode_only.out);
  CHECK(d["decode_only"] == true);
  CHECK(f["decode_only"] == false);
  CHECK(d["prompt"] == 94);  // context − tokens: the decode tokens still see contexts 95 and 96
  CHECK(d["variants"][0]["decode"] == f["variants"][0]["decode"]);
  CHECK(f["variants"][0]["prefill"].is_object());
  CHECK_FALSE(d["variants"][0].contains("prefill"));
  const auto table = run_cli("run --model edge-tiny --variant MQA --context 96 --tokens 2 --decode-only");
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("decode only: the 94-token prompt's KV rows are taken as written") !=
        std::string::npos);
  CHECK(table.out.find("Prefill of") == std::string::npos);
}
