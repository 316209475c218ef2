// `neurokv sweep` end to end through the built binary: interrupted by SIGINT or SIGKILL then resumed, and the
// exit code and message for bad input.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "compiler/support/whole_file.hpp"
#include "tests/e2e/cli_runner.hpp"
#include "tests/e2e/scratch_dir.hpp"
#include "tests/unit/sweep_fixture.hpp"

namespace {

struct Dirs : neurokv::test::ScratchDir {
  Dirs() : ScratchDir("test-sweep-cli") {}
};

// The binary, started through the tests' one runner (tests/e2e/cli_runner).
pid_t spawn(const std::vector<std::string>& args, const std::string& stderr_path) {
  const pid_t pid = neurokv::test::start_cli(args, stderr_path);
  REQUIRE(pid > 0);
  return pid;
}

int exit_code(pid_t pid) { return neurokv::test::wait_cli(pid); }

int run(const std::vector<std::string>& args, const std::string& stderr_path) {
  return exit_code(spawn(args, stderr_path));
}

std::size_t journal_rows(const std::string& path) {
  std::ifstream in(path);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines > 0 ? lines - 1 : 0;
}

// Starts a one-worker sweep and sends `signal` once a few points are journaled.
int interrupt(const Dirs& d, const std::string& spec, const std::string& out, int signal) {
  const pid_t pid = spawn({"sweep", spec, "--out", out, "-j", "1", "--no-plots"}, d.root + "/interrupt.err");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (journal_rows(out + "/journal.csv") < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  kill(pid, signal);
  return exit_code(pid);
}

// The rows of results.csv, checking no point appears twice.
std::set<std::string> points(const std::string& csv) {
  std::set<std::string> seen;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    CHECK(seen.insert(line.substr(0, line.find(','))).second);
  }
  return seen;
}

}  // namespace

TEST_CASE("a sweep killed by SIGINT or SIGKILL resumes to the same 216 rows, none twice") {
  const Dirs d;
  const std::string spec = d.write("spec.yaml", kSweepSpec);
  const std::string whole = d.root + "/whole";
  REQUIRE(run({"sweep", spec, "--out", whole, "-j", "2", "--no-plots"}, d.root + "/whole.err") == 0);
  const std::string expected = neurokv::read_whole_file(whole + "/results.csv");
  CHECK(points(expected).size() == 216);

  for (const int signal : {SIGINT, SIGKILL}) {
    INFO("signal " << signal);
    const std::string out = d.root + "/killed" + std::to_string(signal);
    const int code = interrupt(d, spec, out, signal);
    if (code == 0) {
      WARN("the sweep finished before the signal arrived; resume is checked on a finished journal");
    } else if (signal == SIGINT) {
      CHECK(code == 128 + SIGINT);
      CHECK_THAT(neurokv::read_whole_file(d.root + "/interrupt.err"),
                 Catch::Contains("interrupted by SIGINT after") && Catch::Contains("--resume"));
    } else {
      CHECK(code == 128 + SIGKILL);
    }
    CHECK(run({"sweep", spec, "--out", out, "--resume", "-j", "2", "--no-plots"}, d.root + "/resume.err") ==
          0);
    const std::string resumed = neurokv::read_whole_file(out + "/results.csv");
    CHECK(points(resumed).size() == 216);
    CHECK(resumed == expected);
  }
}

TEST_CASE("an unknown grid key exits 2 naming it, a bad spec exits 2 with file:line") {
  const Dirs d;
  const std::string err = d.root + "/err";
  std::string spec = kSweepSpec;
  spec.replace(spec.find("np.mac_lanes"), 12, "np.mac_lane");
  CHECK(run({"sweep", d.write("unknown.yaml", spec), "--out", d.root + "/o1"}, err) == 2);
  CHECK_THAT(neurokv::read_whole_file(err),
             Catch::Contains("unknown.yaml:7:16: unknown grid key 'np.mac_lane'") &&
                 Catch::Contains("np.mac_lanes"));

  CHECK(run({"sweep", d.write("bad.yaml", "model: paper-300m\nhw: akida2-like\ncontexts: [256, -1]\n"),
             "--out", d.root + "/o2"},
            err) == 2);
  CHECK_THAT(neurokv::read_whole_file(err), Catch::Contains("bad.yaml:3:"));
  CHECK(run({"sweep", d.write("syntax.yaml", "model: [paper-300m\n"), "--out", d.root + "/o3"}, err) == 2);
  CHECK_THAT(neurokv::read_whole_file(err), Catch::Contains("syntax.yaml:"));
  CHECK(run({"sweep", "merge", d.root + "/nothing", "--out", d.root + "/o4"}, err) == 2);
}

namespace {

// The data lines of a CSV file (its header dropped).
std::vector<std::string> data_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(neurokv::read_whole_file(path));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("a transaction sweep decodes each point at its own context, as neurokv run does at that context") {
  const Dirs d;
  const std::string spec = d.write(
      "transaction.yaml",
      "model: edge-tiny\nhw: akida2-like\nvariants: [QKV]\ncontexts: [16, 64]\nfidelity: transaction\n");
  REQUIRE(run({"sweep", spec, "--out", d.root + "/transaction", "-j", "2", "--no-plots"},
              d.root + "/transaction.err") == 0);
  const std::vector<std::string> rows = data_lines(d.root + "/transaction/results.csv");
  REQUIRE(rows.size() == 2);
  std::vector<std::string> runs;
  for (const std::string context : {"16", "64"}) {
    const std::string csv = d.root + "/run-" + context + ".csv";
    REQUIRE(run({"run", "-m", "edge-tiny", "-v", "QKV", "--context", context, "--csv", csv},
                d.root + "/run.err") == 0);
    REQUIRE(data_lines(csv).size() == 1);
    runs.push_back(data_lines(csv).front());
  }
  CHECK(runs[0] != runs[1]);  // the decode at 64 costs more cycles than at 16
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("sweep row " << rows[i] << "\nrun row   " << runs[i]);
    // The sweep's row is "point," then the report's columns, as `run --csv` writes them, then its own
    // columns.
    const std::string report = rows[i].substr(rows[i].find(',') + 1);
    CHECK(report.compare(0, runs[i].size() + 1, runs[i] + ",") == 0);
  }
}

TEST_CASE("a decode_only sweep's rows are run --decode-only's at each context, the prefill columns empty") {
  const Dirs d;
  const std::string spec = d.write("decode-only.yaml",
                                   "model: edge-tiny\nhw: akida2-like\nvariants: [MQA]\ncontexts: [16, 64]\n"
                                   "fidelity: transaction\ndecode_only: true\n");
  // One worker: under ASan a -j 2 transaction sweep can deadlock forking (scripts/test-sanitized.sh).
  REQUIRE(run({"sweep", spec, "--out", d.root + "/out", "-j", "1", "--no-plots"}, d.root + "/sweep.err") ==
          0);
  const std::vector<std::string> rows = data_lines(d.root + "/out/results.csv");
  REQUIRE(rows.size() == 2);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string context = i == 0 ? "16" : "64";
    const std::string csv = d.root + "/run-" + context + ".csv";
    REQUIRE(run({"run", "-m", "edge-tiny", "-v", "MQA", "--context", context, "--decode-only", "--csv", csv},
                d.root + "/run.err") == 0);
    const std::string expected = data_lines(csv).front();
    INFO("sweep row " << rows[i] << "\nrun row   " << expected);
    const std::string report = rows[i].substr(rows[i].find(',') + 1);
    CHECK(report.compare(0, expected.size() + 1, expected + ",") == 0);
  }
  // The prefill columns are empty: the header's prefill_cycles is a blank field in every row.
  std::istringstream csv(neurokv::read_whole_file(d.root + "/out/results.csv"));
  std::string header;
  std::getline(csv, header);
  const std::size_t column =
      std::count(header.begin(), header.begin() + header.find(",prefill_cycles,"), ',') + 1;
  for (const std::string& row : rows) {
    std::istringstream fields(row);
    std::string field;
    for (std::size_t c = 0; c <= column; ++c) std::getline(fields, field, ',');
    CHECK(field.empty());
  }
  CHECK(neurokv::read_whole_file(d.root + "/out/results.json").find("\"decode_only\": true") !=
        std::string::npos);
}

TEST_CASE("a sweep with points that do not fit their chip finishes and counts them") {
  const Dirs d;
  std::string chip =
      neurokv::read_whole_file(std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs/akida2-like.yaml");
  const std::size_t dram = chip.find("\ndram:\n");
  chip.erase(dram + 1, chip.find("\nenergy:\n") - dram);  // no DRAM: edge-tiny fits 8 x 8 nodes, not 2 x 2
  const std::string hw = d.write("no-dram.yaml", chip);
  const std::string spec = d.write("fit.yaml", "model: edge-tiny\nhw: " + hw +
                                                   "\nvariants: [QKV, MQA]\ncontexts: [64]\ngrid:\n"
                                                   "  mesh.cols+mesh.rows: [2, 8]\n");
  CHECK(run({"sweep", spec, "--out", d.root + "/fit", "-j", "2", "--no-plots"}, d.root + "/fit.err") == 0);
  CHECK_THAT(
      neurokv::read_whole_file(d.root + "/fit.err"),
      Catch::Contains("4 points in") && Catch::Contains("(2 infeasible: the model does not fit the chip"));
  CHECK(data_lines(d.root + "/fit/results.csv").size() == 4);

  // Sharded and merged: the same count, and the same rows with their infeasible ones off the Pareto front.
  for (const char* shard : {"1/2", "2/2"}) {
    CHECK(run({"sweep", spec, "--out", d.root + "/fit" + shard[0], "--shard", shard, "--no-plots"},
              d.root + "/shard.err") == 0);
  }
  CHECK(run({"sweep", "merge", d.root + "/fit2", d.root + "/fit1", "--out", d.root + "/merged", "--no-plots"},
            d.root + "/merge.err") == 0);
  CHECK_THAT(neurokv::read_whole_file(d.root + "/merge.err"),
             Catch::Contains("merged 2 shards, 4 points (2 infeasible: the model does not fit the chip"));
  for (const char* file : {"/results.csv", "/results.json"}) {
    CHECK(neurokv::read_whole_file(d.root + "/merged" + file) ==
          neurokv::read_whole_file(d.root + "/fit" + file));
  }
}

TEST_CASE(
    "a 100,000-point cost-only sweep gives the same rows at -j1 and -j2, and after SIGKILL and --resume",
    "[slow]") {
  const Dirs d;
  const std::string spec = std::string(NEUROKV_SOURCE_DIR) + "/docs/examples/energy-100k-300m.yaml";
  const auto results = [](const std::string& out) {
    return neurokv::read_whole_file(out + "/results.csv") + neurokv::read_whole_file(out + "/results.json");
  };
  const std::string one = d.root + "/j1", two = d.root + "/j2", killed = d.root + "/killed";
  REQUIRE(run({"sweep", spec, "--out", one, "-j", "1", "--no-plots"}, d.root + "/j1.err") == 0);
  REQUIRE(run({"sweep", spec, "--out", two, "-j", "2", "--no-plots"}, d.root + "/j2.err") == 0);
  const std::string expected = results(one);
  CHECK(points(neurokv::read_whole_file(one + "/results.csv")).size() == 100000);
  CHECK(results(two) == expected);

  // Killed once about a fifth of the journal (≈ 500 bytes a row) is written.
  const pid_t pid = spawn({"sweep", spec, "--out", killed, "-j", "2", "--no-plots"}, d.root + "/killed.err");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  const auto journal_bytes = [&] {
    std::error_code ec;  // no journal yet: 0, not file_size's -1
    const auto size = std::filesystem::file_size(killed + "/journal.csv", ec);
    return ec ? 0 : size;
  };
  while (journal_bytes() < 10'000'000 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  kill(pid, SIGKILL);
  const int code = exit_code(pid);
  if (code == 0) WARN("the sweep finished before SIGKILL arrived; resume is checked on a finished journal");
  CHECK(run({"sweep", spec, "--out", killed, "--resume", "-j", "2", "--no-plots"}, d.root + "/resume.err") ==
        0);
  CHECK(results(killed) == expected);
}
