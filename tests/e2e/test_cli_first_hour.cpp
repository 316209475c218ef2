// Issue 17, "the first hour of a new user": each friction a new user hit, through the built command line.
// (The refusals are in the bad-input corpus, tests/bad_inputs/manifest.txt.)
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>

#include "tests/e2e/cli_runner.hpp"
#include "tests/e2e/scratch_dir.hpp"

using neurokv::test::run_cli;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kSource = NEUROKV_SOURCE_DIR;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// RFC 4180 fields of one CSV line.
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace

TEST_CASE("1. a context past the model's learned positions is warned about on stderr, stdout stays clean") {
  const auto r = run_cli("estimate --model paper-300m --variant QKV --context 4096 --json -");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json report = json::parse(r.out);  // nothing but the JSON on stdout
  CHECK(report["extrapolated"] == true);
  CHECK(report["model"]["max_positions"] == 2048);
  CHECK(r.err ==
        "neurokv: warning: --context: context 4096 exceeds paper-300m's 2048 learned positions: the costs "
        "are those of "
        "the model extrapolated to 4096 tokens (pass --context 2048 or less to stay within them)\n");

  const auto within = run_cli("estimate --model paper-300m --variant QKV --context 2048 --json -");
  CHECK(within.err.empty());
  CHECK(json::parse(within.out)["extrapolated"] == false);

  // run (its default context 2048 on a 512-position model), compile, and the CSV column.
  const auto run = run_cli("run --model edge-tiny --variant QKV --fidelity analytic");
  REQUIRE(run.exit_code == 0);
  // (after the prefill's queue warning, which this default prompt also earns)
  CHECK(run.err.find("neurokv: warning: --context: context 2048 exceeds edge-tiny's 512 learned positions") !=
        std::string::npos);
  CHECK(run.out.find("extrapolated: context 2048 is past the model's 512 learned positions") !=
        std::string::npos);
  const auto csv = run_cli("estimate --model edge-tiny --variant QKV --csv -");
  const std::string header = csv.out.substr(0, csv.out.find('\n'));
  const std::string row =
      csv.out.substr(header.size() + 1, csv.out.find('\n', header.size() + 1) - header.size() - 1);
  const auto columns = csv_fields(header);
  const auto at = std::find(columns.begin(), columns.end(), "extrapolated");
  REQUIRE(at != columns.end());
  CHECK(csv_fields(row)[static_cast<std::size_t>(at - columns.begin())] == "1");
  const auto compile = run_cli("compile --model edge-tiny --variant QKV --context 1024");
  CHECK(compile.err.find("neurokv: warning: --context: context 1024 exceeds edge-tiny's 512") !=
        std::string::npos);

  // simulate: the program carries its context.
  const neurokv::test::ScratchDir scratch("first-hour-extrapolation");
  const std::string dir = scratch.root;
  REQUIRE(run_cli("compile --model edge-tiny --variant MQA --context 600 -o " + dir + "/p.nkir").exit_code ==
          0);
  const auto simulate =
      run_cli("simulate " + dir + "/p.nkir --prompt 4 --tokens 1 --json " + dir + "/r.json");
  INFO(simulate.err);
  CHECK(simulate.exit_code == 0);
  CHECK(simulate.err.find("neurokv: warning: context 600 exceeds edge-tiny's 512 learned positions") !=
        std::string::npos);
}

TEST_CASE("1. a sweep marks the points past the learned positions and warns once") {
  const neurokv::test::ScratchDir scratch("first-hour-sweep-extrapolated");
  const std::string dir = scratch.root;
  std::ofstream(dir + "/spec.yaml") << "model: edge-tiny\nhw: akida2-like\nvariants: [QKV]\n"
                                       "contexts: [256, 1024]\n";
  const auto r = run_cli("sweep " + dir + "/spec.yaml --out " + dir + "/out --no-plots -j1");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("neurokv: warning: 1 points have a context past their model's learned positions") !=
        std::string::npos);
  const std::string csv = read_text(dir + "/out/results.csv");
  std::istringstream lines(csv);
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  const auto columns = csv_fields(header);
  const auto at =
      static_cast<std::size_t>(std::find(columns.begin(), columns.end(), "extrapolated") - columns.begin());
  REQUIRE(at < columns.size());
  CHECK(csv_fields(first)[at] == "0");
  CHECK(csv_fields(second)[at] == "1");
}

TEST_CASE("2. sweep plots show every swept axis, every model, and which chip each panel is") {
  const neurokv::test::ScratchDir scratch("first-hour-plots");
  const std::string dir = scratch.root;
  const auto r = run_cli("sweep " + kSource + "/docs/examples/two-axis-two-model.yaml --out " + dir + " -j2");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string energy = read_text(dir + "/plots/energy_vs_context.gp");
  // 2 models x 2 bandwidths x 2 meshes: a panel each, titled by model, chip and axis values.
  for (const std::string model : {"paper-300m", "edge-tiny"}) {
    for (const std::string bandwidth : {"3.2e+09", "2.56e+10"}) {
      for (const std::string mesh : {"6", "10"}) {
        const std::string title = "set title \"" + model +
                                  " on akida2-like\\ndram.bandwidth_bytes_per_s = " + bandwidth +
                                  "\\nmesh.cols+mesh.rows = " + mesh + "\"";
        INFO(title);
        CHECK(energy.find(title) != std::string::npos);
      }
    }
  }
  // Every variant of both models is in the one legend (edge-tiny's g is 2, paper-300m's 4).
  for (const std::string variant : {"QKV", "Q-K=V", "GQA-4", "GQA-2", "MQA"}) {
    CHECK(energy.find("title \"" + variant + "\"") != std::string::npos);
  }
  // The KV cache does not depend on the chip: one panel per model, and the title says so.
  const std::string kv = read_text(dir + "/plots/kv_memory_vs_context.gp");
  CHECK(kv.find("the same for every dram.bandwidth_bytes_per_s; the same for every mesh.cols+mesh.rows") !=
        std::string::npos);
  CHECK(kv.find("set title \"paper-300m on akida2-like\"") != std::string::npos);
  CHECK(kv.find("set title \"edge-tiny on akida2-like\"") != std::string::npos);
  // Latency vs energy: lines through the first axis, a panel per model and value of the second.
  const std::string scatter = read_text(dir + "/plots/latency_vs_energy.gp");
  CHECK(scatter.find("each line runs through dram.bandwidth_bytes_per_s") != std::string::npos);
  CHECK(scatter.find("set title \"edge-tiny on akida2-like\\nmesh.cols+mesh.rows = 10\"") !=
        std::string::npos);
  CHECK(read_text(dir + "/plots/latency_vs_energy.dat").find("\"2.56e+10\"") != std::string::npos);
  for (const std::string name :
       {"energy_vs_context", "kv_memory_vs_context", "latency_vs_energy", "energy_breakdown"}) {
    INFO(name);
    CHECK(fs::file_size(dir + "/plots/" + name + ".png") > 10000);
  }
}

TEST_CASE("3. simulate and ir verify use the chip the program records, and a mismatch says which --hw") {
  const neurokv::test::ScratchDir scratch("first-hour-chip-record");
  const std::string dir = scratch.root;
  const std::string chip = dir + "/my-chip.yaml";
  std::ofstream(chip) << replaced(read_text(kSource + "/hwconfigs/akida2-like.yaml"), "name: akida2-like",
                                  "name: my-chip");
  const std::string program = dir + "/g.nkir";
  REQUIRE(run_cli("compile --model edge-tiny --variant MQA --context 256 --hw " + chip + " -o " + program)
              .exit_code == 0);
  const std::string text = read_text(program);
  CHECK(text.rfind("neurokv-ir 5\n", 0) == 0);
  CHECK(std::regex_search(
      text, std::regex("\nchip my-chip [^\n]* hash=[0-9a-f]{16} source=" + dir + "/my-chip.yaml\n")));

  const auto simulated = run_cli("simulate " + program + " --prompt 4 --json -");
  INFO(simulated.err);
  CHECK(simulated.exit_code == 0);
  CHECK(json::parse(simulated.out)["hw"]["name"] == "my-chip");
  const auto verified = run_cli("ir verify " + program);
  CHECK(verified.exit_code == 0);
  CHECK(verified.err.empty());

  // Another chip: the first problems one per line, then the --hw to pass.
  const auto other = run_cli("simulate " + program + " --hw akd1000-like");
  CHECK(other.exit_code == 2);
  CHECK(other.out.empty());
  std::vector<std::string> lines;
  std::istringstream err(other.err);
  for (std::string line; std::getline(err, line);) lines.push_back(line);
  REQUIRE(lines.size() >= 3);
  CHECK(lines[0].rfind("neurokv: error: " + program + ": ", 0) == 0);
  CHECK(lines[0].find(" problems: the program's chip has name my-chip, chip akd1000-like has akd1000-like") !=
        std::string::npos);
  CHECK(lines[1].rfind("neurokv: error: " + program + ": the program's chip has mesh_cols", 0) == 0);
  CHECK(lines.back() == "neurokv: error: " + program + ": compiled for chip my-chip (from " + chip +
                            "), not for akd1000-like: pass --hw " + chip +
                            ", or leave --hw out to use the chip it "
                            "records");
  CHECK(lines.size() <= 12);  // ten problems, "and N more", the hint

  // An edited chip file is used as it is now, with a warning.
  std::ofstream(chip, std::ios::app) << "# edited\n";
  const auto edited = run_cli("simulate " + program + " --prompt 4 --json " + dir + "/r.json");
  CHECK(edited.exit_code == 0);
  CHECK(edited.err.find("neurokv: warning: " + chip + " has changed since the program was compiled for it") ==
        0);

  // The file gone and no shipped chip of that name: ask for --hw.
  fs::remove(chip);
  const auto gone = run_cli("simulate " + program);
  CHECK(gone.exit_code == 2);
  CHECK(gone.err ==
        "neurokv: error: " + program + ": compiled for chip my-chip (from " + chip +
            "), which is neither at that path nor a shipped chip, expected --hw naming its chip YAML\n");

  // A version-2 program (no chip record) runs on the shipped chip of its name.
  const std::string shipped = dir + "/shipped.nkir";
  REQUIRE(run_cli("compile --model edge-tiny --variant MQA --context 256 --hw akd1000-like -o " + shipped)
              .exit_code == 0);
  std::string v2 = std::regex_replace(read_text(shipped), std::regex(" hash=[0-9a-f]{16}"), "");
  v2 = replaced(v2, "neurokv-ir 5\n", "neurokv-ir 2\n");
  std::ofstream(dir + "/v2.nkir") << v2;
  const auto old = run_cli("simulate " + dir + "/v2.nkir --prompt 4 --json -");
  INFO(old.err);
  CHECK(old.exit_code == 0);
  CHECK(json::parse(old.out)["hw"]["name"] == "akd1000-like");
}

TEST_CASE("5. variant names are read without case with a note, and --model typos get the nearest name") {
  const auto r = run_cli("estimate --model edge-tiny --context 256 --variant qkv,gqa-2 --json -");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json report = json::parse(r.out);
  CHECK(report["variants"][0]["variant"] == "QKV");
  CHECK(report["variants"][1]["variant"] == "GQA-2");
  // (after the estimate's contention warning for GQA-2, if any)
  CHECK(r.err.find("neurokv: note: --variant 'qkv' read as QKV\nneurokv: note: --variant 'gqa-2' read as "
                   "GQA-2\n") != std::string::npos);

  const auto suffix = run_cli("estimate --model nosuch.yaml");
  CHECK(suffix.exit_code == 2);
  CHECK(suffix.err.find(".yaml.yaml") == std::string::npos);
  CHECK(suffix.err.find("expected a path or one of the names in " + kSource +
                        "/models: akidanet-0.25-224, akidanet-0.5-224, akidanet-1.0-224, akidanet-vww, "
                        "akidanet-vww-notebook, ds-cnn-kws, ds-cnn-kws-devhub, edge-tiny, "
                        "gemma-3-270m, gemma4-like, llama-3.2-1b, paper-1.2b, paper-300m, "
                        "qwen2.5-0.5b, smollm2-135m, smollm2-360m, tinyllama-1.1b") != std::string::npos);

  // The sweep spec's unknown-key list names every key it accepts.
  const neurokv::test::ScratchDir scratch("first-hour-spec-keys");
  const std::string dir = scratch.root;
  std::ofstream(dir + "/spec.yaml") << "models: [edge-tiny]\nhw: akida2-like\ncontexts: [64]\ngird: {}\n";
  const auto spec = run_cli("sweep " + dir + "/spec.yaml --out " + dir + "/out");
  CHECK(spec.exit_code == 2);
  const std::string keys =
      "act_bits, contexts, decode_only, fidelity, grid, hw, kv_bits, model, models, prompt, tokens, "
      "variants, weight_bits";
  CHECK(spec.err.find("unknown key 'gird', expected one of: " + keys) != std::string::npos);
}

TEST_CASE("6. the table picks units per value, mixed models print per-layer KV heads, counts are integers") {
  const auto table = run_cli("estimate --model edge-tiny --context 256 --variant QKV,MQA");
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("0.0 µJ") == std::string::npos);
  CHECK(table.out.find(" 0.00 ") == std::string::npos);
  CHECK(std::regex_search(table.out, std::regex("[0-9.]+ nJ")));  // softmax energy on a small model

  const auto j = run_cli("estimate --model edge-tiny --context 256 --variant QKV --json -");
  const json decode = json::parse(j.out)["variants"][0]["decode"];
  for (const char* count :
       {"macs", "synaptic_ops", "events", "sram_bytes", "dram_bytes", "noc_hop_bytes", "cycles"}) {
    INFO(count);
    CHECK(decode[count].is_number_integer());
  }

  const auto mixed = run_cli("estimate --model " + kSource + "/tests/fixtures/onnx/mixed.onnx --context 16");
  INFO(mixed.err);
  REQUIRE(mixed.exit_code == 0);
  CHECK(mixed.out.find("QKV/Q-MQA 4/1 ") != std::string::npos);
  const auto mixed_json =
      run_cli("estimate --model " + kSource + "/tests/fixtures/onnx/mixed.onnx --context 16 --json -");
  CHECK(json::parse(mixed_json.out)["variants"][0]["kv_heads_per_layer"] == json::array({4, 1}));

  // A chip named with a comma: the CSV quotes it, and every row keeps its column count.
  const neurokv::test::ScratchDir scratch("first-hour-csv-quoting");
  const std::string dir = scratch.root;
  std::ofstream(dir + "/chip.yaml") << replaced(read_text(kSource + "/hwconfigs/akida2-like.yaml"),
                                                "name: akida2-like", "name: \"my,chip\"");
  const auto csv = run_cli("estimate --model edge-tiny --context 256 --variant QKV,MQA --hw " + dir +
                           "/chip.yaml --csv -");
  REQUIRE(csv.exit_code == 0);
  std::istringstream lines(csv.out);
  std::string header, row;
  std::getline(lines, header);
  const std::size_t columns = csv_fields(header).size();
  while (std::getline(lines, row)) {
    CHECK(csv_fields(row).size() == columns);
    CHECK(csv_fields(row)[1] == "my,chip");
  }
}

TEST_CASE("7. a model file without kv_groups compiles the variants that need none") {
  const neurokv::test::ScratchDir scratch("first-hour-no-kv-groups");
  const std::string dir = scratch.root;
  std::string model = read_text(kSource + "/models/edge-tiny.yaml");
  model = replaced(model, "kv_groups: 2\n", "");
  std::ofstream(dir + "/m.yaml") << model;
  const auto one = run_cli("estimate --model " + dir + "/m.yaml --context 256 --variant QKV --json -");
  INFO(one.err);
  CHECK(one.exit_code == 0);
  const auto all = run_cli("estimate --model " + dir + "/m.yaml --context 256 --json -");
  REQUIRE(all.exit_code == 0);
  CHECK(json::parse(all.out)["variants"].size() == 6);
  CHECK(
      all.err.find(
          "neurokv: note: edge-tiny has no kv_groups, so 'all' is the six variants without a group count") !=
      std::string::npos);
  const auto gqa = run_cli("estimate --model " + dir + "/m.yaml --context 256 --variant GQA-2 --json -");
  CHECK(gqa.exit_code == 0);
}

TEST_CASE(
    "8. compile says what it did not write, --variant all on ONNX says what it means, NEUROKV_HOME works") {
  const auto compile = run_cli("compile --model edge-tiny --variant MQA --context 256");
  REQUIRE(compile.exit_code == 0);
  // stdout is the one-line summary; the passes' notes and what was not written are notes on stderr.
  CHECK(compile.out.rfind("edge-tiny MQA on akida2-like: ", 0) == 0);
  CHECK(std::count(compile.out.begin(), compile.out.end(), '\n') == 1);
  CHECK(compile.err.rfind("neurokv: note: precision: 8-bit weights, 8-bit activations, 8-bit KV cache\n",
                          0) == 0);
  const std::string not_written =
      "neurokv: note: no program written (no -o); pass -o FILE.nkir to write it\n";
  REQUIRE(compile.err.size() > not_written.size());
  CHECK(compile.err.substr(compile.err.size() - not_written.size()) == not_written);
  std::istringstream lines(compile.err);
  for (std::string line; std::getline(lines, line);) CHECK(line.rfind("neurokv: note: ", 0) == 0);

  const auto onnx =
      run_cli("estimate --model " + kSource + "/tests/fixtures/onnx/mqa.onnx --variant all --context 16");
  REQUIRE(onnx.exit_code == 0);
  CHECK(
      onnx.err.find(
          "neurokv: note: --variant all on an ONNX model is the variant its layers were built with (MQA)") !=
      std::string::npos);

  // NEUROKV_HOME holds models/ and hwconfigs/.
  const neurokv::test::ScratchDir scratch("first-hour-home");
  const std::string home = scratch.root;
  fs::create_directories(home + "/models");
  fs::copy(kSource + "/hwconfigs", home + "/hwconfigs");
  std::ofstream(home + "/models/mine.yaml")
      << replaced(read_text(kSource + "/models/edge-tiny.yaml"), "name: edge-tiny", "name: mine");
  setenv("NEUROKV_HOME", home.c_str(), 1);
  const auto found = run_cli("estimate --model mine --variant QKV --context 256 --json -");
  unsetenv("NEUROKV_HOME");
  INFO(found.err);
  CHECK(found.exit_code == 0);
  CHECK(json::parse(found.out)["model"]["name"] == "mine");
}
