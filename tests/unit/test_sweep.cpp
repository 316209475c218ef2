// The sweep engine with a deterministic fake evaluator: point order, parallel determinism, sharding and merge,
// the journal, Pareto, and the spec's errors.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "compiler/error.hpp"
#include "compiler/hw_override.hpp"
#include "sweep/compile_cache.hpp"
#include "compiler/whole_file.hpp"
#include "tests/unit/sweep_fixture.hpp"
#include "sweep/journal.hpp"
#include "sweep/pareto.hpp"
#include "sweep/runner.hpp"

using namespace neurokv;
using namespace neurokv::sweep;

namespace {

const std::string kModels = std::string(NEUROKV_SOURCE_DIR) + "/models";
const std::string kHw = std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs";

std::string temp_dir(const std::string& name) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("neurokv-test-sweep-" + std::to_string(getpid()) + "-" + name)).string();
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
  return run_sweep(plan, dir, [&plan](const SweepPoint& p) { return fake_report(plan, p); }, options);
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
    Journal journal = Journal::create(dir + "/journal.csv", plan.hash());
    for (int64_t i = 0; i < 50; ++i) journal.append(make_row(plan.point(i), fake_report(plan, plan.point(i))));
  }
  {
    std::ofstream torn(dir + "/journal.csv", std::ios::app);
    torn << "50,6400000000,8,paper-300m,fa";  // a crash mid-line
  }
  RunOptions options;
  options.resume = true;
  int64_t evaluated = 0;
  options.on_progress = [&](const Progress& p) { evaluated = p.done - p.resumed; };
  const RunOutcome outcome =
      run_sweep(plan, dir, [&plan](const SweepPoint& p) { return fake_report(plan, p); }, options);
  CHECK(outcome.complete);
  CHECK(evaluated == 166);
  CHECK(read_whole_file(dir + "/results.csv") == read_whole_file(whole + "/results.csv"));
  CHECK(rows_in(dir + "/journal.csv") == 216);  // header line + 216 rows, nothing glued to the torn line

  // A journal is never silently overwritten, nor resumed under another spec.
  CHECK_THROWS_AS(run(plan, dir, 1), InputError);
  std::string other = kSweepSpec;
  other.replace(other.find("all"), 3, "QKV");
  options.on_progress = nullptr;
  CHECK_THROWS_WITH(run_sweep(plan_of(other), dir, [](const SweepPoint&) { return Report{}; }, options),
                    Catch::Contains("belongs to another spec"));
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(dir);
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
  CHECK_THROWS_WITH(run_sweep(plan, dir,
                              [&plan](const SweepPoint& p) {
                                if (p.index == 7) throw MappingError("op fc needs 9 NPs, the chip has 4");
                                return fake_report(plan, p);
                              },
                              options),
                    Catch::Contains("op fc needs"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("grid keys and values are checked against the chip file before any point runs") {
  CHECK_THROWS_WITH(plan_of("model: paper-300m\nhw: akida2-like\ncontexts: [256]\ngrid:\n  np.mac_lane: [4]\n"),
                    Catch::Contains("spec.yaml:5:16: unknown grid key 'np.mac_lane'") &&
                        Catch::Contains("np.mac_lanes") && Catch::Contains("dram.bandwidth_bytes_per_s"));
  CHECK_THROWS_WITH(plan_of("model: paper-300m\nhw: akida2-like\ncontexts: [256]\ngrid:\n  np.mac_lanes: [4, 0]\n"),
                    Catch::Contains("spec.yaml:5:17: grid values np.mac_lanes = 0 do not make a valid chip") &&
                        Catch::Contains("akida2-like.yaml:"));
  CHECK_THROWS_WITH(plan_of("model: paper-300m\nhw: akida2-like\ncontexts: [256]\ngrid:\n  np.weight_bits: [4]\n"),
                    Catch::Contains("unknown grid key 'np.weight_bits'"));
}

TEST_CASE("bad spec files name the file, line and column") {
  CHECK_THROWS_WITH(parse_spec("model: paper-300m\nhw: akida2-like\ncontexts: [256, x]\n", "s.yaml"),
                    Catch::StartsWith("s.yaml:3:") && Catch::Contains("expected an integer"));
  CHECK_THROWS_WITH(parse_spec("model: paper-300m\nhw: akida2-like\ncontexts: [256]\nfidelty: cycle\n", "s.yaml"),
                    Catch::StartsWith("s.yaml:4:1: unknown key 'fidelty'"));
  CHECK_THROWS_WITH(parse_spec("model: paper-300m\nhw: akida2-like\ncontexts: [256]\nfidelity: exact\n", "s.yaml"),
                    Catch::StartsWith("s.yaml:4:") && Catch::Contains("expected analytic or cycle"));
  CHECK_THROWS_WITH(
      parse_spec("model: a\nhw: b\ncontexts: [1]\ngrid:\n  clock_hz: {from: 0, to: 1e9, steps: 3, scale: log}\n",
                 "s.yaml"),
      Catch::StartsWith("s.yaml:5:") && Catch::Contains("log range"));
  CHECK_THROWS_WITH(parse_spec("model: a\nhw: b\ncontexts: [1]\ngrid:\n  mesh.cols: [4]\n  mesh.cols+mesh.rows: [4]\n",
                               "s.yaml"),
                    Catch::Contains("swept twice"));
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
  CHECK_THROWS_WITH(override_hw_yaml(text, "chip.yaml", {{"mesh.cols", 12}, {"np.mac_lanes", 8}, {"mesh.cols", 12}}),
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
    const Report fresh = evaluate(plan.model(p.model), {plan.variants(p.model)[static_cast<std::size_t>(p.variant)]},
                                  *plan.hw_at(p), plan.options_at(p));
    INFO("point " << i);
    CHECK(make_row(p, cache.evaluate(p)).values == make_row(p, fresh).values);
  }
}
