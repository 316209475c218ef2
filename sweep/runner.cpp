#include "sweep/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "compiler/support/error.hpp"
#include "sweep/journal.hpp"
#include "sweep/pareto.hpp"
#include "sweep/results.hpp"

namespace neurokv::sweep {
namespace {

constexpr int64_t kPending = -1;

// Writes the results in point order from the journal, holding per point only its journal offset and its
// Pareto inputs: two passes, the first for the Pareto front, the second to write.
struct WrittenCounts {
  int64_t infeasible = 0;
  int64_t extrapolated = 0;
};

WrittenCounts write_from_journal(const SweepPlan& plan, const std::string& dir,
                                 const std::string& journal_path, const std::vector<std::string>& columns,
                                 const Shard& shard, const std::vector<int64_t>& offsets) {
  JournalReader journal(journal_path, columns.size());
  ParetoTable pareto(columns);
  WrittenCounts counts;
  for (const int64_t offset : offsets) {
    const SweepRow row = journal.row_at(offset);
    if (!feasible(columns, row)) ++counts.infeasible;
    if (extrapolated(columns, row)) ++counts.extrapolated;
    pareto.add(row);
  }
  const std::vector<bool> front = pareto.front();
  SweepResults header{plan.canonical(), plan.hash(), plan.size(), shard.whole() ? "" : shard.text(),
                      columns,          {}};
  ResultsWriter writer(dir, header);
  for (std::size_t i = 0; i < offsets.size(); ++i) writer.add(journal.row_at(offsets[i]), front[i]);
  writer.commit();
  return counts;
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
    int64_t& slot = offsets[static_cast<std::size_t>((row.point - (shard.k - 1)) / shard.n)];
    if (slot != kPending) return;  // a point journaled twice (resumed twice): the first row counts
    slot = offset;
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
  // Once an append has failed (a short write leaves a torn line at the journal's end), nothing more is
  // appended: a row after the torn line would put it mid-journal, where --resume must refuse it as a damaged
  // row.
  bool journal_failed = false;
  std::atomic<int64_t> next{0};
  const auto stop_requested = [&] { return options.stop && options.stop->load(); };

  const auto work = [&] {
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (stop_requested() || failure) return;
      }
      const int64_t slot = next++;
      if (slot >= slots) return;
      if (offsets[static_cast<std::size_t>(slot)] != kPending)
        continue;  // resumed; only this thread writes it
      const SweepPoint point = plan.point(shard.k - 1 + slot * shard.n);
      SweepRow row;
      try {
        // A model that does not fit its chip is a finding of the sweep, not a failure of it: recorded, not
        // thrown.
        try {
          row = make_row(point, evaluate(point));
        } catch (const MappingError& e) {
          row = infeasible_row(plan, point, e.what());
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        // A point cut short by the stop (its simulation child killed) is rerun on resume, not a failure.
        if (!failure && !stop_requested()) failure = std::current_exception();
        continue;
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (journal_failed) return;
      try {
        record(row, journal.append(row));
      } catch (...) {
        journal_failed = true;
        if (!failure) failure = std::current_exception();
        return;
      }
      progress.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (options.on_progress) options.on_progress(progress);
    }
  };
  const int64_t pending = progress.total - progress.done;
  const int jobs = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(options.jobs, pending)));
  std::vector<std::thread> workers;
  for (int j = 1; j < jobs; ++j) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
  journal.sync();
  if (failure) std::rethrow_exception(failure);
  if (progress.done < progress.total) return outcome;

  progress.writing_results = true;
  if (options.on_progress) options.on_progress(progress);
  const WrittenCounts counts = write_from_journal(plan, dir, journal_path, columns, shard, offsets);
  outcome.infeasible = counts.infeasible;
  if (counts.extrapolated > 0) {
    outcome.diagnostics.push_back(Diagnostic::warning(
        fmt::format("{} points have a context past their model's learned positions (extrapolated = 1 in the "
                    "results)",
                    counts.extrapolated)));
  }
  outcome.complete = true;
  return outcome;
}

}  // namespace neurokv::sweep
