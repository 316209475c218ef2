// The sweep runner, its journal and resume, shards and merging, stop requests and failures, infeasible
// points.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "compiler/config/hw_override.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "sweep/compile_cache.hpp"
#include "sweep/journal.hpp"
#include "sweep/pareto.hpp"
#include "sweep/plots.hpp"
#include "sweep/results.hpp"
#include "sweep/row_text.hpp"
#include "sweep/runner.hpp"
#include "tests/unit/sweep_fixture.hpp"
#include "tests/unit/sweep_helpers.hpp"

using namespace neurokv;
using namespace neurokv::sweep;
using namespace neurokv::test;

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

TEST_CASE(
    "results rendered in parallel batches from the journal are the bytes written row by row, a JSON row a "
    "line") {
  // 9 x 7 grid points x 8 variants x 5 contexts = 2,520 rows: past two batches of 1,024 rows, so both
  // threads render and three batches join in order.
  const SweepPlan plan = plan_of(R"(model: paper-300m
hw: akida2-like
variants: all
contexts: [128, 256, 512, 1024, 2048]
grid:
  dram.bandwidth_bytes_per_s: {from: 3.2e9, to: 51.2e9, steps: 9, scale: log}
  energy.dram_pj_per_byte: {from: 20, to: 160, steps: 7, scale: log}
)");
  REQUIRE(plan.size() == 2520);
  const std::string batched = temp_dir("batched"), by_row = temp_dir("by-row");
  CHECK(run(plan, batched, 2).complete);
  std::filesystem::create_directories(by_row);
  write_results(by_row, read_results(batched));
  const std::string csv = read_whole_file(batched + "/results.csv");
  const std::string json = read_whole_file(batched + "/results.json");
  CHECK(rows_in(batched + "/results.csv") == 2520);
  CHECK(csv == read_whole_file(by_row + "/results.csv"));
  CHECK(json == read_whole_file(by_row + "/results.json"));
  // A row an array in the columns' order, on a line of its own.
  const nlohmann::json parsed = nlohmann::json::parse(json);
  CHECK(parsed["schema"] == "neurokv.sweep/2");
  REQUIRE(parsed["rows"].size() == 2520);
  const std::vector<std::string> columns = parsed["columns"];
  bool in_order = true;
  for (int i = 0; i < 2520; ++i) in_order = in_order && parsed["rows"][i][0] == i;
  CHECK(in_order);
  std::size_t row_lines = 0;
  bool whole_rows = true;
  std::istringstream lines(json);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  [", 0) != 0) continue;
    ++row_lines;
    whole_rows = whole_rows && line.back() == (row_lines < 2520 ? ',' : ']');
  }
  CHECK(row_lines == 2520);
  CHECK(whole_rows);
  CHECK(parsed["rows"][0][column_index(columns, "feasible")] == true);
  CHECK(parsed["rows"][0][column_index(columns, "variant")] == "QKV");
  CHECK(parsed["rows"][0][column_index(columns, "context")] == 128);
  CHECK(parsed["rows"][0].back().is_boolean());  // pareto
  std::filesystem::remove_all(batched);
  std::filesystem::remove_all(by_row);
}

TEST_CASE(
    "a results row is a JSON array: a field that is a JSON number reading as a finite double is that "
    "text, the flags are booleans, any other field a string") {
  const std::vector<std::string> columns{"point", "a", "feasible", "error", "pareto"};
  RowText text(columns);
  std::string csv, json;
  std::vector<std::string_view> fields;
  // The row's JSON text, and its parsed `a`.
  const auto row_of = [&](const std::string& field, bool pareto = true) {
    const std::string line = "7," + field + ",1,";
    split_csv_views(line, fields);
    csv.clear();
    json.clear();
    text.append(line, fields, pareto, csv, json);
    CHECK(csv == line + (pareto ? ",1\n" : ",0\n"));
    return json;
  };
  const auto value_of = [&](const std::string& field) {
    return nlohmann::json::parse("[" + row_of(field).substr(1) + "]")[0][1];
  };
  CHECK(row_of("1") == ",\n  [7,1,true,\"\",true]");
  CHECK(row_of("2.5e-07", false) == ",\n  [7,2.5e-07,true,\"\",false]");  // the CSV's own text
  CHECK(row_of("-0") == ",\n  [7,-0,true,\"\",true]");
  CHECK(row_of("1e+20") == ",\n  [7,1e+20,true,\"\",true]");
  CHECK(value_of("0.1") == 0.1);
  // Not JSON's grammar, though strtod reads a number: text.
  for (const std::string field : {"+5", " 7", "7 ", "0x10", "007", ".5", "5.", "1e", "-", "1.e5"})
    CHECK(value_of(field) == field);
  // JSON's grammar, but no finite normal double: text.
  CHECK(value_of("1e-310") == "1e-310");  // subnormal
  CHECK(value_of("1e400") == "1e400");
  CHECK(value_of("nan") == "nan");
  CHECK(value_of("inf") == "inf");
  CHECK(value_of("QKV") == "QKV");
  CHECK(value_of("") == "");
  // Strings that need escaping are escaped as dump() does.
  CHECK(row_of("say \"hi\"\\") == ",\n  [7,\"say \\\"hi\\\"\\\\\",true,\"\",true]");
  CHECK(value_of("tab\there") == "tab\there");
  CHECK(value_of("Zürich") == "Zürich");
}

TEST_CASE("a JSON number is what RFC 8259 says it is") {
  for (const char* number :
       {"0", "-0", "7", "-12", "10.25", "0.5", "1e5", "1E+5", "2.5e-07", "123456789012345678901"})
    CHECK(is_json_number(number));
  for (const char* other : {"", "-", "+1", "01", "00", ".5", "5.", "1e", "1e+", "1.e5", "0x10", " 1", "1 ",
                            "inf", "nan", "1,5", "--1", "1-"})
    CHECK_FALSE(is_json_number(other));
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
  std::vector<std::string> dirs;
  for (int k = 1; k <= 3; ++k) {
    dirs.push_back(temp_dir("shard" + std::to_string(k)));
    CHECK(run(plan, dirs.back(), 2, std::to_string(k) + "/3").complete);
    CHECK(rows_in(dirs.back() + "/results.csv") == 72);
  }
  const std::string merged = temp_dir("merged");
  std::filesystem::create_directories(merged);
  const ShardMerge merge({dirs[2], dirs[0], dirs[1]});  // in any order
  CHECK(merge.rows() == 216);
  CHECK(merge.header().shard.empty());
  merge.write(merged);
  CHECK(read_whole_file(merged + "/results.csv") == read_whole_file(whole + "/results.csv"));
  CHECK(read_whole_file(merged + "/results.json") == read_whole_file(whole + "/results.json"));

  // A missing shard is named by its points; a shard given twice is refused.
  CHECK_THROWS_WITH(ShardMerge({dirs[0], dirs[2]}), Catch::Contains("72 of 216 points are missing: 1, 4, 7"));
  CHECK_THROWS_WITH(ShardMerge({dirs[0], dirs[1], dirs[2], dirs[1]}), Catch::Contains("more than one shard"));
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
  CHECK_THROWS_WITH(ShardMerge({a, b}), Catch::Contains("spec hash"));
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
  CHECK_THROWS_WITH(ShardMerge({a, b}), Catch::Contains("shard 2/2 was run by neurokv " + neurokv_version() +
                                                        ", another by neurokv 0.0.9+cost1"));
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
}

TEST_CASE("a slow point's row is journaled as soon as it is done, not held for the next") {
  const SweepPlan plan = plan_of(kSweepSpec);
  const std::string dir = temp_dir("slow");
  bool journaled_before_next = false;
  const auto evaluate = [&](const SweepPoint& p) {
    if (p.index == 0) std::this_thread::sleep_for(std::chrono::milliseconds(60));
    if (p.index == 1) {  // point 0's row must be on disk while point 1 is still running
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (!journaled_before_next && std::chrono::steady_clock::now() < deadline) {
        journaled_before_next = read_whole_file(dir + "/journal.csv").find("\n0,") != std::string::npos;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    return fake_report(plan, p);
  };
  RunOptions options;
  options.jobs = 1;
  CHECK(run_sweep(plan, dir, evaluate, options).complete);
  CHECK(journaled_before_next);
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
  // Each worker journals the rows it finished before it saw the stop: at most a batch (64 rows) each.
  CHECK(first.progress.done <= 30 + 2 * 64);
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
  const nlohmann::json parsed = nlohmann::json::parse(json);
  const std::size_t feasible_column =
      column_index(parsed["columns"].get<std::vector<std::string>>(), "feasible");
  CHECK(parsed["rows"][0][feasible_column] == false);
  CHECK(parsed["rows"][2][feasible_column] == true);

  // Plots draw the feasible rows only: the mesh axis has one drawn value, and the title says so.
  write_plots(dir + "/plots", results);
  CHECK_THAT(read_whole_file(dir + "/plots/energy_vs_context.gp"),
             Catch::Contains("mesh.cols+mesh.rows at 8 only"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a sweep of one context plots it an octave either side, not on gnuplot's empty range") {
  // The fake report reads two grid axes.
  const std::string grid = "grid:\n  dram.bandwidth_bytes_per_s: [25.6e9]\n  energy.dram_pj_per_byte: [20]\n";
  const std::string base = "model: edge-tiny\nhw: akida2-like\nvariants: [QKV, MQA]\n";
  const std::string one = temp_dir("one-context"), two = temp_dir("two-contexts");
  REQUIRE(run(plan_of(base + "contexts: [512]\n" + grid), one + "/out", 1).complete);
  REQUIRE(run(plan_of(base + "contexts: [256, 512]\n" + grid), two + "/out", 1).complete);
  write_plots(one + "/plots", read_results(one + "/out"));
  write_plots(two + "/plots", read_results(two + "/out"));
  for (const char* plot : {"energy_vs_context", "kv_memory_vs_context"})
    CHECK_THAT(read_whole_file(one + "/plots/" + plot + ".gp"), Catch::Contains("set xrange [256:1024]\n"));
  // Two contexts keep gnuplot's own range.
  CHECK_THAT(read_whole_file(two + "/plots/energy_vs_context.gp"), !Catch::Contains("set xrange [1"));
  CHECK_THAT(read_whole_file(two + "/plots/energy_vs_context.gp"), !Catch::Contains("set xrange [2"));
  std::filesystem::remove_all(one);
  std::filesystem::remove_all(two);
}

TEST_CASE("a facet axis of many values gets panels at five of them, evenly spaced, and the title says so") {
  const SweepPlan plan = plan_of(R"(model: paper-300m
hw: akida2-like
variants: [QKV, MQA]
contexts: [256, 512]
grid:
  dram.bandwidth_bytes_per_s: {from: 3.2e9, to: 51.2e9, steps: 12, scale: log}
  energy.dram_pj_per_byte: {from: 20, to: 160, steps: 7, scale: log}
)");
  const std::string dir = temp_dir("many-values");
  REQUIRE(run(plan, dir + "/out", 2).complete);
  write_plots(dir + "/plots", read_results(dir + "/out"));
  // The fake report's energy follows the DRAM pJ/B only: 7 values, panels at the 1st, 2nd, 4th, 5th, 7th.
  const std::string energy = read_whole_file(dir + "/plots/energy_vs_context.gp");
  CHECK_THAT(energy, Catch::Contains("energy.dram_pj_per_byte at 5 of 7 values; the same for every "
                                     "dram.bandwidth_bytes_per_s"));
  std::vector<std::string> drawn;
  const std::string key = "\\nenergy.dram_pj_per_byte = ";
  for (std::size_t at = energy.find(key); at != std::string::npos; at = energy.find(key, at + 1))
    drawn.push_back(energy.substr(at + key.size(), energy.find('"', at) - at - key.size()));
  const std::vector<std::string> five{"20", "28.28", "56.57", "80", "160"};
  std::vector<std::string> twice = five;  // the script draws the figure twice: SVG, then PNG
  twice.insert(twice.end(), five.begin(), five.end());
  CHECK(drawn == twice);
  // Latency against energy: each line runs through all 12 bandwidths, in 5 panels.
  const std::string scatter = read_whole_file(dir + "/plots/latency_vs_energy.gp");
  CHECK_THAT(scatter, Catch::Contains("energy.dram_pj_per_byte at 5 of 7 values"));
  std::istringstream data(read_whole_file(dir + "/plots/latency_vs_energy.dat"));
  std::vector<int> points_per_line;
  for (std::string line; std::getline(data, line);) {
    if (line.rfind("#", 0) == 0)
      points_per_line.push_back(line.rfind("# paper-300m ", 0) == 0 ? 0 : -1);  // a variant's line, or marks
    else if (!line.empty() && points_per_line.back() >= 0)
      ++points_per_line.back();
  }
  points_per_line.erase(std::remove(points_per_line.begin(), points_per_line.end(), -1),
                        points_per_line.end());
  CHECK(points_per_line == std::vector<int>(5 * 2, 12));
  // The KV cache changes along neither axis: one panel, each line drawn once.
  std::istringstream kv(read_whole_file(dir + "/plots/kv_memory_vs_context.dat"));
  int kv_points = 0;
  for (std::string line; std::getline(kv, line);) kv_points += !line.empty() && line[0] != '#';
  CHECK(kv_points == 2 * 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "results of schema 1 (a row an object) still read, and another schema or a missing key is refused") {
  const SweepPlan plan = plan_of(kSweepSpec);
  const std::string dir = temp_dir("schema-1");
  REQUIRE(run(plan, dir, 2).complete);
  const SweepResults now = read_results(dir);
  // The same results as schema 1 wrote them: rows as objects keyed by column.
  nlohmann::json json = nlohmann::json::parse(read_whole_file(dir + "/results.json"));
  for (nlohmann::json& row : json["rows"]) {
    nlohmann::json object = nlohmann::json::object();
    for (std::size_t c = 0; c < row.size(); ++c) object[json["columns"][c].get<std::string>()] = row[c];
    row = object;
  }
  json["schema"] = "neurokv.sweep/1";
  std::ofstream(dir + "/results.json") << json.dump(1) << "\n";
  const SweepResults old = read_results(dir);
  CHECK(old.spec == now.spec);
  CHECK(old.spec_hash == now.spec_hash);
  CHECK(old.points_total == now.points_total);
  CHECK(old.columns == now.columns);
  CHECK(old.rows.size() == 216);
  json["schema"] = "neurokv.sweep/9";
  std::ofstream(dir + "/results.json") << json.dump(1) << "\n";
  CHECK_THROWS_AS(read_results(dir), InputError);
  CHECK_THROWS_WITH(read_results(dir), Catch::Contains(dir + "/results.json: schema is not neurokv.sweep/2"));
  json["schema"] = "neurokv.sweep/2";
  json.erase("spec_hash");
  std::ofstream(dir + "/results.json") << json.dump(1) << "\n";
  CHECK_THROWS_WITH(read_results(dir),
                    Catch::Contains(dir + "/results.json: ") && Catch::Contains("spec_hash"));
  std::ofstream(dir + "/results.json") << "[1, 2]\n";
  CHECK_THROWS_WITH(read_results(dir), Catch::Contains("schema is not"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a results row writes a number as the CSV does, and it reads back as the same double") {
  const std::vector<std::string> columns{"point", "a", "feasible", "error", "pareto"};
  RowText text(columns);
  std::string csv, json;
  std::vector<std::string_view> fields;
  // fmt's shortest text of doubles of every magnitude, as a point's report writes them.
  bool verbatim = true, same_double = true;
  uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 4000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const double value =
        static_cast<double>(x % 1000000007ULL) * std::pow(10.0, i % 41 - 25) * (i % 3 ? 1 : -1);
    const std::string field =
        i % 5 == 0 ? std::to_string(x % 100000000000000000ULL >> (i % 57)) : fmt::format("{}", value);
    const std::string line = "7," + field + ",0,";
    split_csv_views(line, fields);
    json.clear();
    text.append(line, fields, false, csv, json);
    verbatim = verbatim && json == ",\n  [7," + field + ",false,\"\",false]";
    same_double = same_double && nlohmann::json::parse(json.substr(4))[1].get<double>() ==
                                     std::strtod(field.c_str(), nullptr);
  }
  CHECK(verbatim);
  CHECK(same_double);
}

TEST_CASE(
    "results streamed a row at a time are the results written whole, each value as its CSV field says") {
  const SweepPlan plan = plan_of(kSweepSpec);
  const std::string dir = temp_dir("stream-format");
  run(plan, dir, 2);
  const SweepResults results = read_results(dir);
  const std::vector<bool> pareto = pareto_rows(results.columns, results.rows);
  std::vector<std::string> columns = results.columns;
  columns.push_back("pareto");
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i = 0; i < results.rows.size(); ++i) {
    std::vector<std::string> fields = row_fields(results.rows[i]);
    nlohmann::json row = nlohmann::json::array();
    for (const std::string& field : fields) {
      const bool number = nlohmann::json::accept(field) && !field.empty() &&
                          (field[0] == '-' || std::isdigit(static_cast<unsigned char>(field[0]))) &&
                          std::isdigit(static_cast<unsigned char>(field.back()));
      row.push_back(number ? nlohmann::json(std::stod(field)) : nlohmann::json(field));
    }
    row[column_index(columns, "feasible")] = fields[column_index(columns, "feasible")] != "0";
    row.push_back(static_cast<bool>(pareto[i]));
    rows.push_back(row);
  }
  const nlohmann::json whole = {
      {"schema", "neurokv.sweep/2"},          {"spec", results.spec}, {"spec_hash", results.spec_hash},
      {"points_total", results.points_total}, {"columns", columns},   {"rows", rows}};
  const std::string json = read_whole_file(dir + "/results.json");
  CHECK(nlohmann::json::parse(json) == whole);
  // The header as dump(1) writes it, up to the rows.
  const std::string header = whole.dump(1);
  const std::size_t rows_at = header.find("\n \"rows\": [");
  CHECK(json.substr(0, rows_at) == header.substr(0, rows_at));
  std::filesystem::remove_all(dir);
}
