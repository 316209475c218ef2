// `neurokv exec` end to end: its JSON against PyTorch's logits, int against float, determinism.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/cli_runner.hpp"
#include "tests/e2e/scratch_dir.hpp"

namespace {

const std::string kFixtures = std::string(NEUROKV_SOURCE_DIR) + "/tests/fixtures/onnx/";

nlohmann::json exec_json(const std::string& args) {
  const neurokv::test::CliResult r = neurokv::test::run_cli("exec " + args + " --json -");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("exec --numerics float: the last position's logits are PyTorch's within 1e-4", "[executor][cli]") {
  std::ifstream in(kFixtures + "gqa-2.logits.json");
  const nlohmann::json ref = nlohmann::json::parse(in);
  std::string ids;
  for (int id : ref.at("ids")) ids += (ids.empty() ? "" : ",") + std::to_string(id);
  const nlohmann::json j = exec_json("-m '" + kFixtures + "gqa-2.onnx' --numerics float --ids " + ids);
  const std::vector<float> expected = ref.at("logits").back().get<std::vector<float>>();
  const std::vector<float> logits = j.at("logits").get<std::vector<float>>();
  REQUIRE(logits.size() == 128);
  double worst = 0, scale = 0;
  for (std::size_t v = 0; v < logits.size(); ++v) {
    worst = std::max(worst, std::abs(double{logits[v]} - expected[v]));
    scale = std::max(scale, std::abs(double{expected[v]}));
  }
  CHECK(worst / scale <= 1e-4);
  CHECK(j.at("numerics") == "float");
  CHECK(j.at("targets") == 11);
  CHECK(j.at("top1_agreement") == 1.0);
  CHECK(j.at("perplexity").get<double>() == Approx(std::exp(j.at("loss").get<double>())));
  CHECK(j.at("densities").at("attn_in").at("offered") ==
        2 * 3 * 12 * 64);  // layers × Q,K,V × tokens × d_model
}

TEST_CASE(
    "exec --numerics int: reports loss, perplexity against float and top-1 agreement, the same bytes 3 times",
    "[executor][cli]") {
  const std::string args = "-m '" + kFixtures + "q-mqa.onnx' --ids 5,6,7,8,9,10,11,12";
  const neurokv::test::CliResult first = neurokv::test::run_cli("exec " + args + " --json -");
  REQUIRE(first.exit_code == 0);
  for (int i = 0; i < 2; ++i) CHECK(neurokv::test::run_cli("exec " + args + " --json -").out == first.out);
  const nlohmann::json j = nlohmann::json::parse(first.out);
  CHECK(j.at("numerics") == "int");
  CHECK(j.at("calibrated_on") == "the input itself");
  CHECK(j.at("top1_agreement").get<double>() >= 0.95);
  CHECK(j.at("perplexity_vs_float").get<double>() ==
        Approx(std::exp(j.at("loss").get<double>() - j.at("float_loss").get<double>())));
  CHECK(j.at("top5").size() == 5);
  CHECK(j.at("densities").at("mlp_hidden").at("density").get<double>() < 1.0);
}

TEST_CASE("exec with one token has no loss to report", "[executor][cli]") {
  const nlohmann::json j = exec_json("-m '" + kFixtures + "qkv.onnx' --ids 7");
  CHECK(j.at("loss").is_null());
  CHECK(j.at("perplexity").is_null());
  CHECK(j.at("targets") == 0);
}

TEST_CASE("exec refuses ids outside the vocabulary and more tokens than positions, naming the position",
          "[executor][cli]") {
  // Not in the bad-input corpus: the fixtures' import note ("read as tied") precedes the error on stderr.
  const std::string model = "exec -m '" + kFixtures + "qkv.onnx' ";
  neurokv::test::CliResult r = neurokv::test::run_cli(model + "--ids 1,2,128");
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("--ids: token 2: id 128 is outside the vocabulary, expected 0 to 127"));
  std::string ids = "0";
  for (int i = 1; i < 33; ++i) ids += ",1";
  r = neurokv::test::run_cli(model + "--ids " + ids);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--ids: token 32 is past the limit: 33 tokens, expected at most 32"));
}

TEST_CASE("estimate --ids: measured densities replace the assumed ones and the note says so",
          "[executor][cli]") {
  const std::string base = "estimate -m '" + kFixtures + "q-k=v.onnx' --context 32 --json -";
  const neurokv::test::CliResult assumed = neurokv::test::run_cli(base);
  const neurokv::test::CliResult measured = neurokv::test::run_cli(base + " --ids 3,10,17,24,31,38,45,52");
  REQUIRE(assumed.exit_code == 0);
  REQUIRE(measured.exit_code == 0);
  CHECK_THAT(measured.err,
             Catch::Contains("neurokv: note: events measured by integer execution of 8 tokens from --ids"));
  CHECK(assumed.err.find("events measured") == std::string::npos);
  const nlohmann::json a = nlohmann::json::parse(assumed.out).at("variants").at(0).at("decode");
  const nlohmann::json m = nlohmann::json::parse(measured.out).at("variants").at(0).at("decode");
  // The untrained fixture is ~99 % dense, far above the assumed 25–50 %: more events, more energy.
  CHECK(m.at("events").get<double>() > 1.3 * a.at("events").get<double>());
  // Event energy is events × one coefficient, measured or assumed. The JSON's `events` is the count rounded
  // to a whole number (±0.5 of ~2,300-3,200), so the two quotients agree to 5e-4.
  CHECK(m.at("energy_breakdown_j").at("event").get<double>() / m.at("events").get<double>() ==
        Approx(a.at("energy_breakdown_j").at("event").get<double>() / a.at("events").get<double>())
            .epsilon(5e-4));
}

TEST_CASE("the report says which events were measured: events, execution and quality in JSON, CSV and table",
          "[executor][cli]") {
  const std::string base = "estimate -m '" + kFixtures + "q-k=v.onnx' --context 32";
  const std::string ids = " --ids 3,10,17,24,31,38,45,52";
  const nlohmann::json assumed =
      nlohmann::json::parse(neurokv::test::run_cli(base + " --json -").out).at("variants").at(0);
  CHECK(assumed.at("events") == "assumed");
  CHECK(assumed.at("execution").is_null());
  const nlohmann::json measured =
      nlohmann::json::parse(neurokv::test::run_cli(base + ids + " --json -").out).at("variants").at(0);
  CHECK(measured.at("events") == "measured");
  const nlohmann::json& e = measured.at("execution");
  CHECK(e.at("tokens") == 8);
  CHECK(e.at("targets") == 7);
  CHECK(e.at("weights") == "the model's");
  CHECK(e.at("perplexity").get<double>() == Approx(std::exp(e.at("loss").get<double>())));
  CHECK(e.at("top1_agreement").get<double>() == 1.0);  // as `neurokv exec` measures on this input
  CHECK(e.at("densities").at("attn_probs").get<double>() == 1.0);
  // The same figures as exec's, which runs the same program on the same ids.
  const nlohmann::json ex = exec_json("-m '" + kFixtures + "q-k=v.onnx' --context 32" + ids);
  CHECK(e.at("loss").get<double>() == ex.at("loss").get<double>());
  CHECK(e.at("perplexity_vs_float").get<double>() == ex.at("perplexity_vs_float").get<double>());

  const neurokv::test::CliResult csv = neurokv::test::run_cli(base + ids + " --csv -");
  REQUIRE(csv.exit_code == 0);
  CHECK_THAT(csv.out,
             Catch::Contains(",events,loss,perplexity,perplexity_vs_float,top1_agreement,density_attn_"
                             "in,density_attn_out,"));
  CHECK_THAT(
      csv.out,
      Catch::Contains(",density_scores,density_kv_row,density_rmsnorm_in,density_glu_in,density_rope_in\n"));
  CHECK_THAT(csv.out, Catch::Contains(",measured,"));
  CHECK_THAT(csv.out, Catch::Contains(fmt::format(",{},", e.at("densities").at("mlp_hidden").get<double>())));
  CHECK_THAT(neurokv::test::run_cli(base + " --csv -").out, Catch::EndsWith(",assumed,,,,,,,,,,,,,,,,,,,\n"));

  // Per layer, and which positions each phase's densities came from; what stays assumed is listed.
  const nlohmann::json& layers = e.at("layer_densities");
  REQUIRE(layers.size() == 3);  // outside the blocks, layers 0 and 1
  CHECK(layers.at(1).at("layer") == 0);
  CHECK(layers.at(1).at("densities").at("mlp_hidden").get<double>() !=
        layers.at(2).at("densities").at("mlp_hidden").get<double>());
  CHECK(e.at("positions").at("prefill").is_null());  // no --prompt: every position is a decode token
  CHECK(e.at("positions").at("decode") == nlohmann::json::array({0, 8}));
  CHECK_THAT(e.at("assumed").dump(),
             Catch::Contains("decode steps at positions past the 8 executed: the densities of executed "
                             "positions 0-7"));
  const nlohmann::json prompted =
      nlohmann::json::parse(neurokv::test::run_cli(base + ids + " --prompt 6 --json -").out)
          .at("variants")
          .at(0);
  CHECK(prompted.at("execution").at("positions").at("prefill") == nlohmann::json::array({0, 6}));
  CHECK(prompted.at("execution").at("positions").at("decode") == nlohmann::json::array({6, 8}));

  const neurokv::test::CliResult table = neurokv::test::run_cli(base + ids);
  CHECK_THAT(table.out,
             Catch::Contains("Events measured by integer execution of 8 tokens from --ids with the "
                             "model's weights"));
  CHECK_THAT(table.out, Catch::Contains("Q-K=V by layer (-1: outside the blocks):\n  layer attn_in"));
  CHECK_THAT(table.out, Catch::Contains("  measured: decode: every op's input events, layer by layer, from "
                                        "executed positions 0-7\n"));
  CHECK_THAT(neurokv::test::run_cli(base).out, Catch::Contains("Events: assumed densities per site"));
}

TEST_CASE("exec --windows runs a long input as windows of the context and scores them all",
          "[executor][cli]") {
  std::string ids;
  for (int i = 0; i < 70; ++i) ids += (ids.empty() ? "" : ",") + std::to_string((7 * i + 3) % 128);
  const std::string model = "-m '" + kFixtures + "qkv.onnx' --context 32 --ids " + ids;
  const neurokv::test::CliResult refused = neurokv::test::run_cli("exec " + model);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("token 32 is past the limit"));
  const nlohmann::json j = exec_json(model + " --windows");
  CHECK(j.at("tokens") == 70);
  CHECK(j.at("windows") == 3);            // 32 + 32 + 6
  CHECK(j.at("targets") == 31 + 31 + 5);  // each window predicts within itself
  // Every window's queries are offered to attn_in: layers × Q,K,V × tokens × d_model.
  CHECK(j.at("densities").at("attn_in").at("offered") == 2 * 3 * 70 * 64);
}

TEST_CASE("exec and estimate --threads N give the same bytes for any N, as the default (the cores) does",
          "[executor][cli]") {
  // edge-tiny's Linears are several blocks of outputs wide, so 2 and 3 threads split them.
  const std::string study =
      "-m edge-tiny --variant QKV --context 64 --ids 1,2,3,4,5,6,7,8 --synthetic-weights 3";
  const neurokv::test::CliResult one = neurokv::test::run_cli("exec " + study + " --threads 1 --json -");
  REQUIRE(one.exit_code == 0);
  for (const std::string threads : {" --threads 2", " --threads 3", ""}) {
    CAPTURE(threads);
    CHECK(neurokv::test::run_cli("exec " + study + threads + " --json -").out == one.out);
  }
  const neurokv::test::CliResult estimate_one =
      neurokv::test::run_cli("estimate " + study + " --threads 1 --json -");
  REQUIRE(estimate_one.exit_code == 0);
  CHECK(neurokv::test::run_cli("estimate " + study + " --threads 2 --json -").out == estimate_one.out);
}

TEST_CASE("synthetic weights (--synthetic-weights) execute a model YAML and every measured figure says so",
          "[executor][cli]") {
  const std::string study = "-m edge-tiny --variant Q-K=V --context 64 --ids 1,2,3,4,5,6,7,8";
  const nlohmann::json first = exec_json(study + " --synthetic-weights 7");
  const nlohmann::json again = exec_json(study + " --synthetic-weights 7");
  const nlohmann::json other = exec_json(study + " --synthetic-weights 8");
  CHECK(first.at("weights") == "synthetic (GPT-2 initialisation, seed 7)");
  CHECK(first.at("logits") == again.at("logits"));
  CHECK(first.at("logits") != other.at("logits"));

  const neurokv::test::CliResult estimate =
      neurokv::test::run_cli("estimate " + study + " --synthetic-weights 7 --json -");
  REQUIRE(estimate.exit_code == 0);
  const nlohmann::json e = nlohmann::json::parse(estimate.out).at("variants").at(0).at("execution");
  CHECK(e.at("weights") == "synthetic (GPT-2 initialisation, seed 7)");
  CHECK(e.at("loss").get<double>() == first.at("loss").get<double>());

  const neurokv::test::CliResult no_weights = neurokv::test::run_cli("exec " + study);
  CHECK(no_weights.exit_code == 2);
  CHECK_THAT(no_weights.err, Catch::Contains("--synthetic-weights SEED"));
  const neurokv::test::CliResult has_weights =
      neurokv::test::run_cli("exec -m '" + kFixtures + "qkv.onnx' --ids 1,2 --synthetic-weights 1");
  CHECK(has_weights.exit_code == 2);
  CHECK_THAT(has_weights.err, Catch::Contains("--synthetic-weights: model"));
  const neurokv::test::CliResult no_input =
      neurokv::test::run_cli("estimate -m edge-tiny --variant Q-K=V --synthetic-weights 1");
  CHECK(no_input.exit_code == 2);
  CHECK_THAT(no_input.err, Catch::Contains("nothing is executed without an input"));
}

TEST_CASE("compile --calibration stores activation scales in the .nkw and exec --weights runs with them",
          "[executor][cli]") {
  const neurokv::test::ScratchDir dir("exec-weights");
  const std::string model = "-m '" + kFixtures + "q-mqa.onnx' --context 32";
  const std::string sample = "40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55";
  neurokv::test::CliResult r =
      neurokv::test::run_cli("compile " + model + " -o " + dir.root + "/cal.nkir --calibration " + sample);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("cal.nkw, with activation scales calibrated (max) on " + sample));
  REQUIRE(neurokv::test::run_cli("compile " + model + " -o " + dir.root + "/plain.nkir").exit_code == 0);
  r = neurokv::test::run_cli("ir verify " + dir.root + "/cal.nkir");
  CHECK(r.exit_code == 0);

  const std::string input = model + " --ids 5,6,7,8,9,10,11,12";
  const nlohmann::json stored = exec_json(input + " --weights " + dir.root + "/cal.nkw");
  const nlohmann::json again = exec_json(input + " --weights " + dir.root + "/cal.nkw");
  const nlohmann::json in_memory = exec_json(input + " --calibration " + sample);
  const nlohmann::json on_input = exec_json(input);
  CHECK(stored.at("calibrated_on") == "--calibration (16 tokens), stored in " + dir.root + "/cal.nkw");
  // The stored scales are the calibration's to the bit: the same logits as calibrating in memory, every run.
  CHECK(stored.at("logits") == in_memory.at("logits"));
  CHECK(stored.at("logits") == again.at("logits"));
  CHECK(stored.at("loss") == in_memory.at("loss"));
  // and they are not the scales the input itself gives.
  CHECK(stored.at("logits") != on_input.at("logits"));

  // A file without scales: the input calibrates, as without --weights, and a note says so.
  r = neurokv::test::run_cli("exec " + input + " --weights " + dir.root + "/plain.nkw --json -");
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out).at("logits") == on_input.at("logits"));
  CHECK_THAT(r.err,
             Catch::Contains("plain.nkw: no activation scales stored (compiled without --calibration), "
                             "so the integer run calibrates them on the input itself"));
  // Stored scales and --calibration: one would be ignored.
  r = neurokv::test::run_cli("exec " + input + " --weights " + dir.root + "/cal.nkw --calibration 1,2");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--calibration: " + dir.root + "/cal.nkw stores activation scales"));
  // Another program's file (4-bit weights compiled, 8-bit asked): every mismatch named.
  r = neurokv::test::run_cli("exec " + input + " --weight-bits 4 --weights " + dir.root + "/cal.nkw");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("cal.nkw: ") && Catch::Contains("at 8 bits, the program's op needs"));
}

TEST_CASE(
    "estimate and run --weights measure events with the .nkw's codes and stored scales, as exec --weights",
    "[executor][cli]") {
  const neurokv::test::ScratchDir dir("estimate-weights");
  const std::string model = "-m '" + kFixtures + "q-mqa.onnx' --context 32";
  const std::string sample = "40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55";
  REQUIRE(neurokv::test::run_cli("compile " + model + " -o " + dir.root + "/cal.nkir --calibration " + sample)
              .exit_code == 0);
  REQUIRE(neurokv::test::run_cli("compile " + model + " -o " + dir.root + "/plain.nkir").exit_code == 0);
  const std::string input = model + " --ids 5,6,7,8,9,10,11,12";
  const auto execution = [&](const std::string& command, const std::string& flags) {
    const neurokv::test::CliResult r = neurokv::test::run_cli(command + " " + input + flags + " --json -");
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out).at("variants").at(0).at("execution");
  };
  const nlohmann::json exec_stored = exec_json(input + " --weights " + dir.root + "/cal.nkw");
  const nlohmann::json estimated = execution("estimate", " --weights " + dir.root + "/cal.nkw");
  const nlohmann::json ran = execution("run --fidelity analytic -t 2", " --weights " + dir.root + "/cal.nkw");
  const nlohmann::json on_input = execution("estimate", "");
  // The stored scales, not the input's: exec's loss to the bit, in both commands, and not the loss the
  // input's own calibration gives.
  CHECK(estimated.at("loss") == exec_stored.at("loss"));
  CHECK(ran.at("loss") == exec_stored.at("loss"));
  CHECK(estimated.at("loss") != on_input.at("loss"));
  CHECK(estimated.at("weights") ==
        "the model's (" + dir.root +
            "/cal.nkw: its codes, and activation scales calibrated on --calibration "
            "(16 tokens))");
  // A file without scales: the input calibrates them, as without --weights, and a note says so.
  const neurokv::test::CliResult plain =
      neurokv::test::run_cli("estimate " + input + " --weights " + dir.root + "/plain.nkw --json -");
  REQUIRE(plain.exit_code == 0);
  CHECK(nlohmann::json::parse(plain.out).at("variants").at(0).at("execution").at("loss") ==
        on_input.at("loss"));
  CHECK_THAT(plain.err,
             Catch::Contains("plain.nkw: no activation scales stored (compiled without "
                             "--calibration), so the integer run calibrates them on the input itself"));
  // Another program's file: every mismatch named, exit 2.
  const neurokv::test::CliResult other =
      neurokv::test::run_cli("estimate " + input + " --weight-bits 4 --weights " + dir.root + "/cal.nkw");
  CHECK(other.exit_code == 2);
  CHECK_THAT(other.err, Catch::Contains("cal.nkw: ") && Catch::Contains("at 8 bits, the program's op needs"));
}

TEST_CASE("an --ids list longer than a file name can be is read as a list", "[executor][cli]") {
  std::string ids;
  for (int i = 0; i < 100; ++i) ids += (ids.empty() ? "" : ",") + std::to_string(100 + i % 28);
  REQUIRE(ids.size() > 255);  // NAME_MAX: looking it up as a file fails with ENAMETOOLONG
  const nlohmann::json j =
      exec_json("-m '" + kFixtures + "qkv.onnx' --numerics float --windows --ids " + ids);
  CHECK(j.at("tokens") == 100);
}
