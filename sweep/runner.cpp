#include "sweep/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <future>
#include <limits>
#include <mutex>

#include "compiler/support/error.hpp"
#include "compiler/support/side_by_side.hpp"
#include "sweep/journal.hpp"
#include "sweep/pareto.hpp"
#include "sweep/results.hpp"

namespace neurokv::sweep {
namespace {

constexpr int64_t kPending = -1;

// Rows rendered per batch: a batch's text (≈ 3 KB a row) is what each writing thread holds.
constexpr std::size_t kWriteBatch = 1024;

// A worker journals its finished rows together once it holds this many, or this long after the first began.
constexpr std::size_t kAppendRows = 64;
constexpr auto kAppendDelay = std::chrono::milliseconds(1);

// Writes the results in point order from the journal, holding per point only its journal offset (the Pareto
// front was taken from the rows as they were recorded). `jobs` threads render batches of rows side by side;
// the files are appended in order. `before_commit` runs before the files are moved into place.
void write_from_journal(const SweepPlan& plan, const std::string& dir, const std::string& journal_path,
                        const std::vector<std::string>& columns, const Shard& shard,
                        const std::vector<int64_t>& offsets, const std::vector<bool>& front, int jobs,
                        const std::function<void()>& before_commit) {
  const JournalReader journal(journal_path, columns.size());
  SweepResults header{plan.canonical(), plan.hash(), plan.size(), shard.whole() ? "" : shard.text(),
                      columns,          {}};
  ResultsWriter writer(dir, header);
  struct Batch {
    RowText text;
    std::vector<std::string_view> fields;
    std::string csv, json;
    std::size_t rows = 0;
  };
  // Two rounds of `jobs` batches: one is written (in order, by this thread) while the next is rendered.
  const std::size_t per_round = static_cast<std::size_t>(std::max(1, jobs));
  std::array<std::vector<Batch>, 2> rounds{
      std::vector<Batch>(per_round, Batch{writer.row_text(), {}, {}, {}}),
      std::vector<Batch>(per_round, Batch{writer.row_text(), {}, {}, {}})};
  const auto render = [&](Batch& batch, std::size_t begin) {
    batch.csv.clear();
    batch.json.clear();
    const std::size_t end = std::min(offsets.size(), begin + kWriteBatch);
    int64_t from = std::numeric_limits<int64_t>::max(), to = 0;  // the journal bytes the batch read
    for (std::size_t i = begin; i < end; ++i) {
      const std::string_view line = journal.line_at(offsets[i], batch.fields);
      batch.text.append(line, batch.fields, front[i], batch.csv, batch.json);
      from = std::min(from, offsets[i]);
      to = std::max(to, offsets[i] + static_cast<int64_t>(line.size()) + 1);
    }
    journal.release(from, to);
    batch.rows = end > begin ? end - begin : 0;
  };
  // results.csv on a thread of its own beside results.json: copying the text into the page cache is most of
  // writing it (116 MB for 100,000 rows), and one thread doing both files held back the renderers.
  const auto write = [&](const std::vector<Batch>& round) {
    std::future<void> csv = std::async(std::launch::async, [&] {
      for (const Batch& batch : round) writer.append_csv(batch.csv);
    });
    for (const Batch& batch : round) writer.append_json(batch.json, batch.rows);
    csv.get();
  };
  const std::size_t round_rows = kWriteBatch * per_round;
  std::size_t round = 0;
  for (std::size_t begin = 0; begin < offsets.size(); begin += round_rows, ++round) {
    std::vector<Batch>& rendering = rounds[round % 2];
    std::vector<std::future<void>> renders;
    for (std::size_t b = 0; b < per_round; ++b)
      renders.push_back(
          std::async(std::launch::async, render, std::ref(rendering[b]), begin + b * kWriteBatch));
    if (round > 0) write(rounds[(round - 1) % 2]);
    for (std::future<void>& r : renders) r.get();
  }
  if (round > 0) write(rounds[(round - 1) % 2]);
  before_commit();
  writer.commit();
}

}  // namespace

RunOutcome run_sweep(const SweepPlan& plan, const std::string& dir, const PointEvaluator& evaluate,
                     const RunOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create the output directory: {}", dir, ec.message()));

  const std::vector<std::string> columns = row_columns(plan.grid_columns());
  const std::string journal_path = dir + "/journal.csv";
  const Shard& shard = options.shard;
  // The shard's points are plan indices k-1, k-1+n, ...; slot s is index k-1 + s*n. Per slot: the journal
  // offset of its row, or kPending. 8 bytes a point is all a sweep holds of its rows.
  const int64_t slots = plan.size() > shard.k - 1 ? (plan.size() - shard.k) / shard.n + 1 : 0;
  std::vector<int64_t> offsets(static_cast<std::size_t>(slots), kPending);
  RunOutcome outcome;
  ParetoTable pareto(columns, offsets.size());
  const RowFlags flags(columns);
  int64_t infeasible_rows = 0, extrapolated_rows = 0;
  Progress& progress = outcome.progress;
  int64_t torn_line = 0;
  progress.total = slots;

  const auto record = [&](const SweepRow& row, int64_t offset) {
    if (row.point >= plan.size() || !shard.contains(row.point)) {
      throw InputError(
          fmt::format("{}: point {} is not in shard {} of this sweep, expected the --shard the journal "
                      "was started with",
                      journal_path, row.point, shard.text()));
    }
    const std::size_t index = static_cast<std::size_t>((row.point - (shard.k - 1)) / shard.n);
    if (offsets[index] != kPending) return;  // a point journaled twice (resumed twice): the first row counts
    offsets[index] = offset;
    pareto.set(index, row);
    if (!flags.feasible(row)) ++infeasible_rows;
    if (flags.extrapolated(row)) ++extrapolated_rows;
    ++progress.done;
  };
  Journal journal = options.resume
                        ? Journal::resume(
                              journal_path, plan.hash(), plan.version(), columns.size(),
                              [&](SweepRow&& row, int64_t offset) { record(row, offset); }, torn_line,
                              options.journal_write)
                        : Journal::create(journal_path, plan.hash(), plan.version(), options.journal_write);
  progress.resumed = progress.done;
  if (torn_line != 0) {
    outcome.diagnostics.push_back(Diagnostic::note(fmt::format(
        "{}:{}: dropped a torn last row (cut short by a crash or a full disk); its point runs again",
        journal_path, torn_line)));
  }

  const auto start = std::chrono::steady_clock::now();
  std::mutex mutex;  // guards journal, offsets, progress, failure and journal_failed
  std::exception_ptr failure;
  std::atomic<bool> failed{false};  // failure is set: read without the lock before each point
  // Once an append has failed (a short write leaves a torn line at the journal's end), nothing more is
  // appended: a row after the torn line would put it mid-journal, where --resume must refuse it as a damaged
  // row.
  bool journal_failed = false;
  std::atomic<int64_t> next{0};
  const auto stop_requested = [&] { return options.stop && options.stop->load(); };
  const auto fail = [&](std::exception_ptr error) {  // under the lock
    if (!failure) failure = std::move(error);
    failed = true;
  };

  const auto work = [&] {
    // A worker's finished rows, journaled together under one lock: a cost-only point takes microseconds, and
    // taking the lock for each had the workers waiting on each other. Rows are held until there are
    // kAppendRows of them or kAppendDelay has passed since the first of them began, so the row of a slow
    // point (a compile or a simulation) is journaled as soon as it is done.
    std::vector<std::pair<SweepRow, std::string>> held;
    std::chrono::steady_clock::time_point began;  // when the first held row's point began
    const auto append_held = [&] {
      std::lock_guard<std::mutex> lock(mutex);
      for (auto& [row, line] : held) {
        if (journal_failed) break;
        try {
          record(row, journal.append(line));
        } catch (...) {
          journal_failed = true;
          fail(std::current_exception());
          break;
        }
        progress.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (options.on_progress) options.on_progress(progress);
      }
      held.clear();
    };
    while (!failed && !stop_requested()) {
      const int64_t slot = next++;
      if (slot >= slots) break;
      if (offsets[static_cast<std::size_t>(slot)] != kPending)
        continue;  // resumed; only this thread writes it
      if (held.empty()) began = std::chrono::steady_clock::now();
      const SweepPoint point = plan.point(shard.k - 1 + slot * shard.n);
      SweepRow row;
      std::string line;
      try {
        // A model that does not fit its chip is a finding of the sweep, not a failure of it: recorded, not
        // thrown.
        try {
          row = make_row(point, evaluate(point));
        } catch (const MappingError& e) {
          row = infeasible_row(plan, point, e.what());
        }
        line = journal_line(row);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        // A point cut short by the stop (its simulation child killed) is rerun on resume, not a failure.
        if (!stop_requested()) fail(std::current_exception());
        continue;
      }
      held.emplace_back(std::move(row), std::move(line));
      if (held.size() >= kAppendRows || std::chrono::steady_clock::now() - began >= kAppendDelay)
        append_held();
    }
    if (!held.empty()) append_held();
  };
  const int64_t pending = progress.total - progress.done;
  const int jobs = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(options.jobs, pending)));
  side_by_side(static_cast<std::size_t>(jobs), work);
  journal.flush();
  // The journal's last fsync (waiting on the disk, 40-50 ms for a cost-only sweep's rows) overlaps writing
  // the results; they are moved into place only once it is done, as before.
  std::future<void> journal_synced = std::async(std::launch::async, [&journal] { journal.fsync_written(); });
  if (failure) std::rethrow_exception(failure);
  if (progress.done < progress.total) return outcome;

  progress.writing_results = true;
  if (options.on_progress) options.on_progress(progress);
  write_from_journal(plan, dir, journal_path, columns, shard, offsets, pareto.front(), options.jobs,
                     [&journal_synced] { journal_synced.get(); });
  outcome.infeasible = infeasible_rows;
  if (extrapolated_rows > 0) {
    outcome.diagnostics.push_back(Diagnostic::warning(
        fmt::format("{} points have a context past their model's learned positions (extrapolated = 1 in the "
                    "results)",
                    extrapolated_rows)));
  }
  outcome.complete = true;
  return outcome;
}

}  // namespace neurokv::sweep
