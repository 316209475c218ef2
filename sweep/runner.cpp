#include "sweep/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "compiler/support/error.hpp"
#include "sweep/journal.hpp"
#include "sweep/results.hpp"

namespace neurokv::sweep {

RunOutcome run_sweep(const SweepPlan& plan, const std::string& dir, const PointEvaluator& evaluate,
                     const RunOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create the output directory: {}", dir, ec.message()));

  const std::vector<std::string> columns = row_columns(plan.grid_columns());
  const std::string journal_path = dir + "/journal.csv";
  std::vector<SweepRow> rows;
  Journal journal = options.resume
                        ? Journal::resume(journal_path, plan.hash(), plan.version(), columns.size(), rows,
                                          options.journal_write)
                        : Journal::create(journal_path, plan.hash(), plan.version(), options.journal_write);

  std::set<int64_t> done;
  for (const SweepRow& row : rows) {
    if (row.point >= plan.size() || !options.shard.contains(row.point)) {
      throw InputError(
          fmt::format("{}: point {} is not in shard {} of this sweep, expected the --shard the journal "
                      "was started with",
                      journal_path, row.point, options.shard.text()));
    }
    done.insert(row.point);
  }
  std::vector<int64_t> pending;
  for (int64_t i = options.shard.k - 1; i < plan.size(); i += options.shard.n) {
    if (!done.count(i)) pending.push_back(i);
  }

  Progress progress;
  progress.total = static_cast<int64_t>(done.size() + pending.size());
  progress.done = progress.resumed = static_cast<int64_t>(done.size());
  const auto start = std::chrono::steady_clock::now();
  std::mutex mutex;  // guards journal, rows, progress, failure and journal_failed
  std::exception_ptr failure;
  // Once an append has failed (a short write leaves a torn line at the journal's end), nothing more is
  // appended: a row after the torn line would put it mid-journal, where --resume must refuse it as a damaged
  // row.
  bool journal_failed = false;
  std::atomic<std::size_t> next{0};
  const auto stopping = [&] { return (options.stop && options.stop->load()) || failure; };

  const auto work = [&] {
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (stopping()) return;
      }
      const std::size_t slot = next++;
      if (slot >= pending.size()) return;
      const SweepPoint point = plan.point(pending[slot]);
      try {
        // A model that does not fit its chip is a finding of the sweep, not a failure of it: recorded, not
        // thrown.
        SweepRow row;
        try {
          row = make_row(point, evaluate(point));
        } catch (const MappingError& e) {
          row = infeasible_row(plan, point, e.what());
        }
        std::lock_guard<std::mutex> lock(mutex);
        if (journal_failed) return;
        try {
          journal.append(row);
        } catch (...) {
          journal_failed = true;
          throw;
        }
        rows.push_back(std::move(row));
        ++progress.done;
        progress.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (options.on_progress) options.on_progress(progress);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  const int jobs =
      std::max(1, std::min<int>(options.jobs, static_cast<int>(std::max<std::size_t>(pending.size(), 1))));
  std::vector<std::thread> workers;
  for (int j = 1; j < jobs; ++j) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
  journal.sync();
  if (failure) std::rethrow_exception(failure);

  RunOutcome outcome;
  outcome.progress = progress;
  if (progress.done < progress.total) return outcome;

  std::sort(rows.begin(), rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.point < b.point; });
  SweepResults results{plan.canonical(), plan.hash(),
                       plan.size(),      options.shard.whole() ? "" : options.shard.text(),
                       columns,          std::move(rows)};
  write_results(dir, results);
  outcome.complete = true;
  return outcome;
}

}  // namespace neurokv::sweep
