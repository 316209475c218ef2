// The sweep engine with a deterministic fake evaluator: point order, parallel determinism, sharding and
// merge, the journal, Pareto, and the spec's errors.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
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

using namespace neurokv;
using namespace neurokv::sweep;

namespace {

const std::string kModels = std::string(NEUROKV_SOURCE_DIR) + "/models";
const std::string kHw = std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs";

std::string temp_dir(const std::string& name) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("neurokv-test-sweep-" + std::to_string(getpid()) + "-" + name))
                              .string();
  std::filesystem::remove_all(dir);
  return dir;
}

// A report whose figures are simple functions of the point, so rows differ and Pareto has work to do.
Report fake_report(const SweepPlan& plan, const SweepPoint& p) {
  Report r;
  r.model.name = plan.model(p.model).name;
  r.hw_name = "fake";
  r.fidelity = "analytic";
  r.context = p.context;
  VariantReport v;
  v.variant = plan.variants(p.model)[static_cast<std::size_t>(p.variant)].name();
  v.kv_heads = plan.variants(p.model)[static_cast<std::size_t>(p.variant)].kv_heads();
  v.kv_cache_bytes = p.context * v.kv_heads * 1024;
  v.decode.latency_s = 1e-3 * 25.6e9 / p.grid_values[0] + 1e-5 * (p.variant % 3);
  v.decode.energy.dram = 1e-3 * p.grid_values[1] / 8 + 1e-6 * p.variant;
  v.decode.bound = "dram";
  v.memory.kv_location = "dram";
  r.variants.push_back(v);
  return r;
}

RunOutcome run(const SweepPlan& plan, const std::string& dir, int jobs, const std::string& shard = "1/1") {
  RunOptions options;
  options.jobs = jobs;
  options.shard = Shard::parse(shard);
  return run_sweep(
      plan, dir, [&plan](const SweepPoint& p) { return fake_report(plan, p); }, options);
}

SweepPlan plan_of(const std::string& spec_text) {
  return SweepPlan::load(parse_spec(spec_text, "spec.yaml"), kModels, kHw);
}

int rows_in(const std::string& csv_path) {
  std::ifstream in(csv_path);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines - 1;
}

}  // namespace

TEST_CASE("a 3 x 3 grid x 8 variants x 3 contexts is 216 rows, the same bytes with 1 and 2 workers") {
  const SweepPlan plan = plan_of(kSweepSpec);
  REQUIRE(plan.size() == 216);
  const std::string one = temp_dir("j1"), two = temp_dir("j2");
  CHECK(run(plan, one, 1).complete);
  CHECK(run(plan, two, 2).complete);
  CHECK(rows_in(one + "/results.csv") == 216);
  CHECK(read_whole_file(one + "/results.csv") == read_whole_file(two + "/results.csv"));
  CHECK(read_whole_file(one + "/results.json") == read_whole_file(two + "/results.json"));
  std::filesystem::remove_all(one);
  std::filesystem::remove_all(two);
}

TEST_CASE("point indices run variant fastest, then context, then the last grid axis") {
  const SweepPlan plan = plan_of(kSweepSpec);
  const SweepPoint p = plan.point(1 * 24 + 2 * 8 + 5);  // grid point 1, context 2, variant 5
  CHECK(p.variant == 5);
  CHECK(p.context == 1024);
  CHECK(p.grid_values == std::vector<double>{6.4e9, 16});
  CHECK(plan.point(215).grid_values == std::vector<double>{25.6e9, 32});
}

TEST_CASE("shards 1/3, 2/3, 3/3 merge into the unsharded results byte for byte") {
  const SweepPlan plan = plan_of(kSweepSpec);
  const std::string whole = temp_dir("whole");
  run(plan, whole, 2);
  std::vector<SweepResults> shards;
  std::vector<std::string> dirs;
  for (int k = 1; k <= 3; ++k) {
    dirs.push_back(temp_dir("shard" + std::to_string(k)));
    CHECK(run(plan, dirs.back(), 2, std::to_string(k) + "/3").complete);
    CHECK(rows_in(dirs.back() + "/results.csv") == 72);
    shards.push_back(read_results(dirs.back()));
  }
  const std::string merged = temp_dir("merged");
  std::filesystem::create_directories(merged);
  write_results(merged, merge_results(shards));
  CHECK(read_whole_file(merged + "/results.csv") == read_whole_file(whole + "/results.csv"));
  CHECK(read_whole_file(merged + "/results.json") == read_whole_file(whole + "/results.json"));

  // A missing shard is named by its points; a shard given twice is refused.
  const std::vector<SweepResults> two{shards[0], shards[2]};
  CHECK_THROWS_WITH(merge_results(two), Catch::Contains("72 of 216 points are missing: 1, 4, 7"));
  const std::vector<SweepResults> again{shards[0], shards[1], shards[2], shards[1]};
  CHECK_THROWS_WITH(merge_results(again), Catch::Contains("more than one shard"));
  for (const std::string& dir : dirs) std::filesystem::remove_all(dir);
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(merged);
}

TEST_CASE("shards of different specs do not merge") {
  const std::string a = temp_dir("spec-a"), b = temp_dir("spec-b");
  run(plan_of(kSweepSpec), a, 1, "1/2");
  std::string other = kSweepSpec;
  other.replace(other.find("[256, 512, 1024]"), 16, "[256, 512, 2048]");
  run(plan_of(other), b, 1, "2/2");
  CHECK_THROWS_WITH(merge_results({read_results(a), read_results(b)}), Catch::Contains("spec hash"));
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
}

TEST_CASE("resume skips journaled points, drops a torn last line, and ends with every row once") {
  const SweepPlan plan = plan_of(kSweepSpec);
  const std::string whole = temp_dir("resume-whole"), dir = temp_dir("resume");
  run(plan, whole, 1);
  std::filesystem::create_directories(dir);
  {
    Journal journal = Journal::create(dir + "/journal.csv", plan.hash(), plan.version());
    for (int64_t i = 0; i < 50; ++i)
      journal.append(make_row(plan.point(i), fake_report(plan, plan.point(i))));
  }
  {
    std::ofstream torn(dir + "/journal.csv", std::ios::app);
    torn << "50,6400000000,8,paper-300m,fa";  // a crash mid-line
  }
  RunOptions options;
  options.resume = true;
  int64_t evaluated = 0;
  options.on_progress = [&](const Progress& p) { evaluated = p.done - p.resumed; };
  const RunOutcome outcome = run_sweep(
      plan, dir, [&plan](const SweepPoint& p) { return fake_report(plan, p); }, options);
  CHECK(outcome.complete);
  CHECK(evaluated == 166);
  CHECK(read_whole_file(dir + "/results.csv") == read_whole_file(whole + "/results.csv"));
  CHECK(rows_in(dir + "/journal.csv") == 216);  // header line + 216 rows, nothing glued to the torn line

  // A journal is never silently overwritten, nor resumed under another spec.
  CHECK_THROWS_AS(run(plan, dir, 1), InputError);
  std::string other = kSweepSpec;
  other.replace(other.find("all"), 3, "QKV");
  options.on_progress = nullptr;
  CHECK_THROWS_WITH(run_sweep(
                        plan_of(other), dir, [](const SweepPoint&) { return Report{}; }, options),
                    Catch::Contains("belongs to another spec"));
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(dir);
}

namespace {

// A disk that fills up once: the append of point 0 lands half its line (a short write) and the write of the
// rest fails with ENOSPC; every other write succeeds (space freed meanwhile). Point 1 is in flight when that
// happens and finishes after it.
std::atomic<bool> point0_torn{false}, point1_started{false};
ssize_t tear_point0(int fd, const void* data, std::size_t size) {
  static bool refuse_next = false;
  if (refuse_next) {
    refuse_next = false;
    errno = ENOSPC;
    return -1;
  }
  const std::string text(static_cast<const char*>(data), size);
  if (text.rfind("0,", 0) == 0 && !point0_torn) {
    const ssize_t n = ::write(fd, data, size / 2);
    point0_torn = true;
    refuse_next = true;
    return n;
  }
  return ::write(fd, data, size);
}

void wait_for(const std::atomic<bool>& flag) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!flag && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace

TEST_CASE(
    "after a failed append no in-flight row is journaled, so the torn line stays last and --resume works") {
  const SweepPlan plan = plan_of(kSweepSpec);
  const std::string whole = temp_dir("torn-whole"), dir = temp_dir("torn");
  run(plan, whole, 1);
  RunOptions options;
  options.jobs = 2;
  options.journal_write = tear_point0;
  const auto evaluate = [&plan](const SweepPoint& p) {
    if (p.index == 0) wait_for(point1_started);
    if (p.index == 1) {
      point1_started = true;
      wait_for(point0_torn);
    }
    return fake_report(plan, p);
  };
  CHECK_THROWS_WITH(run_sweep(plan, dir, evaluate, options),
                    Catch::Contains("cannot append to the journal: No space left on device"));
  REQUIRE(point0_torn);
  const std::string journal = read_whole_file(dir + "/journal.csv");
  CHECK(journal.back() != '\n');  // the torn line is the last one: point 1's row was not appended after it

  options = RunOptions{};
  options.resume = true;
  const RunOutcome outcome = run_sweep(
      plan, dir, [&plan](const SweepPoint& p) { return fake_report(plan, p); }, options);
  CHECK(outcome.complete);
  CHECK(read_whole_file(dir + "/results.csv") == read_whole_file(whole + "/results.csv"));
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a journal or shard from another neurokv version is refused by --resume and merge, naming both") {
  const SweepSpec spec = parse_spec(kSweepSpec, "spec.yaml");
  const SweepPlan old_plan = SweepPlan::load(spec, kModels, kHw, "0.0.9+cost1");
  const SweepPlan plan = plan_of(kSweepSpec);
  CHECK(plan.version() == neurokv_version());
  CHECK(old_plan.hash() != plan.hash());
  const std::string a = temp_dir("version-a"), b = temp_dir("version-b");

  // A journal begun by the old build, resumed by this one.
  std::atomic<bool> stop{false};
  RunOptions options;
  options.stop = &stop;
  options.on_progress = [&](const Progress& p) { stop = p.done >= 10; };
  CHECK_FALSE(run_sweep(
                  old_plan, a, [&](const SweepPoint& p) { return fake_report(old_plan, p); }, options)
                  .complete);
  options = RunOptions{};
  options.resume = true;
  CHECK_THROWS_WITH(
      run_sweep(
          plan, a, [&](const SweepPoint& p) { return fake_report(plan, p); }, options),
      Catch::Contains("journal was written by neurokv 0.0.9+cost1, this is neurokv " + neurokv_version()));

  // Shards run by two builds.
  std::filesystem::remove_all(a);
  options = RunOptions{};
  options.shard = Shard::parse("1/2");
  run_sweep(
      old_plan, a, [&](const SweepPoint& p) { return fake_report(old_plan, p); }, options);
  options.shard = Shard::parse("2/2");
  run_sweep(
      plan, b, [&](const SweepPoint& p) { return fake_report(plan, p); }, options);
  CHECK_THROWS_WITH(merge_results({read_results(a), read_results(b)}),
                    Catch::Contains("shard 2/2 was run by neurokv " + neurokv_version() +
                                    ", another by neurokv 0.0.9+cost1"));
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
}

TEST_CASE("a stop request finishes in-flight points and leaves the rest for --resume") {
  const SweepPlan plan = plan_of(kSweepSpec);
  const std::string dir = temp_dir("stop");
  std::atomic<bool> stop{false};
  RunOptions options;
  options.jobs = 2;
  options.stop = &stop;
  options.on_progress = [&](const Progress& p) {
    if (p.done == 30) stop = true;
  };
  const auto evaluate = [&plan](const SweepPoint& p) { return fake_report(plan, p); };
  const RunOutcome first = run_sweep(plan, dir, evaluate, options);
  CHECK_FALSE(first.complete);
  CHECK(first.progress.done >= 30);
  CHECK(first.progress.done <= 31);
  CHECK_FALSE(std::filesystem::exists(dir + "/results.csv"));
  options.stop = nullptr;
  options.resume = true;
  CHECK(run_sweep(plan, dir, evaluate, options).complete);
  CHECK(rows_in(dir + "/results.csv") == 216);
  std::filesystem::remove_all(dir);
}

TEST_CASE("an evaluator's error stops the sweep and reaches the caller") {
  const SweepPlan plan = plan_of(kSweepSpec);
  const std::string dir = temp_dir("fail");
  RunOptions options;
  options.jobs = 2;
  CHECK_THROWS_WITH(run_sweep(
                        plan, dir,
                        [&plan](const SweepPoint& p) {
                          if (p.index == 7) throw RunError("the simulation process died of signal 9");
                          return fake_report(plan, p);
                        },
                        options),
                    Catch::Contains("died of signal 9"));
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "a point whose model does not fit its chip is an infeasible row, off the Pareto front and the plots") {
  // akida2-like without its DRAM: edge-tiny (4.3 MB of weights) fits 8 x 8 nodes (13 MB of weight SRAM), not
  // 2 x 2.
  const std::string dir = temp_dir("infeasible");
  std::filesystem::create_directories(dir);
  std::string chip = read_whole_file(kHw + "/akida2-like.yaml");
  const std::size_t dram = chip.find("\ndram:\n");
  chip.erase(dram + 1, chip.find("\nenergy:\n") - dram);
  std::ofstream(dir + "/no-dram.yaml") << chip;
  const SweepPlan plan = plan_of("model: edge-tiny\nhw: " + dir +
                                 "/no-dram.yaml\nvariants: [QKV, MQA]\n"
                                 "contexts: [64]\ngrid:\n  mesh.cols+mesh.rows: [2, 8]\n");
  CompileCache cache(plan);
  RunOptions options;
  options.jobs = 2;
  const RunOutcome outcome = run_sweep(
      plan, dir + "/out", [&cache](const SweepPoint& p) { return cache.evaluate(p); }, options);
  REQUIRE(outcome.complete);
  const SweepResults results = read_results(dir + "/out");
  REQUIRE(results.rows.size() == 4);
  const std::size_t feasible_at = column_index(results.columns, "feasible") - 1;
  const std::size_t error_at = column_index(results.columns, "error") - 1;
  const std::size_t energy_at = column_index(results.columns, "decode_energy_j") - 1;
  const std::size_t variant_at = column_index(results.columns, "variant") - 1;
  const std::vector<bool> pareto = pareto_rows(results.columns, results.rows);
  for (std::size_t i = 0; i < 2; ++i) {  // the 2 x 2 mesh
    INFO("row " << i);
    const SweepRow& row = results.rows[i];
    CHECK(row.values[feasible_at] == "0");
    CHECK_THAT(row.values[error_at], Catch::Contains("no DRAM to stream from") && !Catch::Contains(","));
    CHECK(row.values[energy_at].empty());
    CHECK(row.values[variant_at] == (i == 0 ? "QKV" : "MQA"));
    CHECK_FALSE(pareto[i]);
  }
  for (std::size_t i = 2; i < 4; ++i) {  // the 8 x 8 mesh
    CHECK(results.rows[i].values[feasible_at] == "1");
    CHECK(results.rows[i].values[error_at].empty());
    CHECK(std::stod(results.rows[i].values[energy_at]) > 0);
  }
  CHECK((pareto[2] || pareto[3]));
  const std::string json = read_whole_file(dir + "/out/results.json");
  CHECK_THAT(json, Catch::Contains("\"feasible\": false") && Catch::Contains("\"feasible\": true"));

  // Plots draw the feasible rows only: the mesh axis has one drawn value, and the title says so.
  write_plots(dir + "/plots", results);
  CHECK_THAT(read_whole_file(dir + "/plots/energy_vs_context.gp"),
             Catch::Contains("mesh.cols+mesh.rows at 8 only"));
  std::filesystem::remove_all(dir);
}

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

TEST_CASE("bad spec files name the file, line and column") {
  CHECK_THROWS_WITH(parse_spec("model: paper-300m\nhw: akida2-like\ncontexts: [256, x]\n", "s.yaml"),
                    Catch::StartsWith("s.yaml:3:") && Catch::Contains("expected an integer"));
  CHECK_THROWS_WITH(
      parse_spec("model: paper-300m\nhw: akida2-like\ncontexts: [256]\nfidelty: cycle\n", "s.yaml"),
      Catch::StartsWith("s.yaml:4:1: unknown key 'fidelty'"));
  CHECK_THROWS_WITH(
      parse_spec("model: paper-300m\nhw: akida2-like\ncontexts: [256]\nfidelity: exact\n", "s.yaml"),
      Catch::StartsWith("s.yaml:4:") && Catch::Contains("expected analytic or cycle"));
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
  const std::string base = "model: edge-tiny\nhw: akida2-like\nfidelity: cycle\ncontexts: [64, 16, 128]\n";
  CHECK_THROWS_WITH(parse_spec(base + "prompt: 32\ntokens: 4\n", "s.yaml"),
                    Catch::StartsWith("s.yaml:4:16: context 16 is shorter than prompt 32 + tokens 4"));
  CHECK_THROWS_WITH(parse_spec(base + "tokens: 20\n", "s.yaml"),
                    Catch::StartsWith("s.yaml:4:16: context 16 is shorter than tokens 20"));
  // Without a prompt each point prefills context - tokens (cycle) or nothing (analytic, as `neurokv
  // estimate`).
  const SweepSpec cycle = parse_spec(base + "tokens: 4\n", "s.yaml");
  CHECK(prompt_at(cycle, 16) == 12);
  CHECK(prompt_at(cycle, 128) == 124);
  CHECK(prompt_at(parse_spec(base + "prompt: 8\n", "s.yaml"), 128) == 8);
  CHECK(prompt_at(parse_spec("model: a\nhw: b\ncontexts: [16]\n", "s.yaml"), 16) == 0);
  const SweepPlan plan = plan_of(base + "variants: [QKV]\n");
  CHECK(plan.options_at(plan.point(1)).prompt == 15);
  CHECK(plan.options_at(plan.point(1)).compile.context == 16);
}

TEST_CASE("ranges are inclusive, log or linear, rounded to 6 significant digits") {
  const SweepSpec spec = parse_spec(
      "model: a\nhw: b\ncontexts: [1]\ngrid:\n  x: {from: 1e9, to: 8e9, steps: 4, scale: log}\n"
      "  y: {from: 0, to: 1, steps: 3}\n",
      "s.yaml");
  CHECK(spec.grid[0].values == std::vector<double>{1e9, 2e9, 4e9, 8e9});
  CHECK(spec.grid[1].values == std::vector<double>{0, 0.5, 1});
}

TEST_CASE("an override replaces the value in place, so lines and comments stay") {
  const std::string text = read_whole_file(kHw + "/akida2-like.yaml");
  const std::string out = override_hw_yaml(text, "chip.yaml", {{"energy.mac_pj.8", 0.2}, {"mesh.cols", 12}});
  const HwConfig hw = parse_hw(out, "chip.yaml");
  CHECK(hw.energy.mac_pj.at(8) == 0.2);
  CHECK(hw.mesh_cols == 12);
  CHECK(std::count(out.begin(), out.end(), '\n') == std::count(text.begin(), text.end(), '\n'));
  CHECK_THROWS_WITH(override_hw_yaml(text, "chip.yaml", {{"mesh.colz", 1}}),
                    Catch::Contains("unknown chip key 'mesh.colz'") && Catch::Contains("mesh.cols"));
}

TEST_CASE("an override of the same key twice is refused, not spliced twice") {
  const std::string text = read_whole_file(kHw + "/akida2-like.yaml");
  CHECK_THROWS_AS(override_hw_yaml(text, "chip.yaml", {{"mesh.cols", 12}, {"mesh.cols", 6}}), InputError);
  CHECK_THROWS_WITH(
      override_hw_yaml(text, "chip.yaml", {{"mesh.cols", 12}, {"np.mac_lanes", 8}, {"mesh.cols", 12}}),
      "chip key 'mesh.cols' is set twice, expected each key of chip.yaml at most once");
}

TEST_CASE("Pareto: a point is kept unless another is no worse everywhere and better somewhere") {
  CHECK(pareto_front({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {2, 2}}) ==
        std::vector<bool>{true, true, true, false, true});
}

TEST_CASE("points that differ only in cost-only keys share a compile and report as a fresh compile does") {
  const SweepPlan plan = plan_of(R"(model: edge-tiny
hw: akida2-like
variants: [QKV, MQA]
contexts: [64]
grid:
  energy.dram_pj_per_byte: [100, 200]
  dram.bandwidth_bytes_per_s+clock_hz: [5e8, 2e9]
  np.mac_lanes: [8, 32]
  noc.link_bytes_per_cycle+noc.hop_latency_cycles+noc.event_bytes: [2, 8]
  softmax.elements_per_cycle: [1, 8]
  mesh.cols: [4, 8]
)");
  CHECK_FALSE(cost_only_key("mesh.cols"));
  CHECK(cost_only_key("energy.mac_pj.8"));
  CompileCache cache(plan);
  for (int64_t i = 0; i < plan.size(); ++i) {
    const SweepPoint p = plan.point(i);
    const Report fresh =
        evaluate(plan.model(p.model), {plan.variants(p.model)[static_cast<std::size_t>(p.variant)]},
                 *plan.hw_at(p), plan.options_at(p));
    INFO("point " << i);
    CHECK(make_row(p, cache.evaluate(p)).values == make_row(p, fresh).values);
  }
}

TEST_CASE("the Pareto front in O(n log n) equals the pairwise definition, ties and duplicates included") {
  std::mt19937 random(19);
  for (const int dims : {2, 3}) {
    for (const int n : {1, 7, 200}) {
      std::vector<std::vector<double>> points(static_cast<std::size_t>(n));
      // Few distinct values, so ties and duplicates are common.
      for (auto& p : points)
        for (int k = 0; k < dims; ++k) p.push_back(static_cast<double>(random() % 6));
      std::vector<bool> expected(points.size(), true);
      for (std::size_t i = 0; i < points.size(); ++i) {
        for (std::size_t j = 0; j < points.size(); ++j) {
          bool no_worse = true, better = false;
          for (int k = 0; k < dims; ++k) {
            no_worse = no_worse && points[j][k] <= points[i][k];
            better = better || points[j][k] < points[i][k];
          }
          if (no_worse && better) expected[i] = false;
        }
      }
      INFO(dims << " objectives, " << n << " points");
      CHECK(pareto_front(points) == expected);
    }
  }
}

TEST_CASE("results streamed a row at a time are the bytes of the whole JSON document, as before") {
  const SweepPlan plan = plan_of(kSweepSpec);
  const std::string dir = temp_dir("stream-format");
  run(plan, dir, 2);
  const SweepResults results = read_results(dir);
  // The format results.json has had since neurokv.sweep/1: one nlohmann::json document, dump(1).
  const std::vector<bool> pareto = pareto_rows(results.columns, results.rows);
  std::vector<std::string> columns = results.columns;
  columns.push_back("pareto");
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i = 0; i < results.rows.size(); ++i) {
    std::vector<std::string> fields = row_fields(results.rows[i]);
    nlohmann::json row = nlohmann::json::object();
    for (std::size_t c = 0; c < fields.size(); ++c) {
      char* end = nullptr;
      const double value = std::strtod(fields[c].c_str(), &end);
      row[columns[c]] = !fields[c].empty() && *end == '\0' && std::isfinite(value)
                            ? nlohmann::json(value)
                            : nlohmann::json(fields[c]);
    }
    row["feasible"] = fields[column_index(columns, "feasible")] != "0";
    row["pareto"] = static_cast<bool>(pareto[i]);
    rows.push_back(row);
  }
  const nlohmann::json whole = {
      {"schema", "neurokv.sweep/1"},          {"spec", results.spec}, {"spec_hash", results.spec_hash},
      {"points_total", results.points_total}, {"columns", columns},   {"rows", rows}};
  CHECK(read_whole_file(dir + "/results.json") == whole.dump(1) + "\n");
  std::filesystem::remove_all(dir);
}
