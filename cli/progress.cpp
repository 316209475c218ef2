#include "cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace neurokv::cli {
namespace {

std::string duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace

ProgressPrinter::ProgressPrinter() : terminal_(isatty(STDERR_FILENO) != 0), last_() {}

void ProgressPrinter::update(const sweep::Progress& p) {
  if (p.writing_results) {
    // Reading the rows back from the journal in point order takes a while for a million of them.
    finish();
    fmt::print(stderr, "sweep: all {} points done, writing the results in point order\n", p.total);
    drawn_ = false;
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  const auto interval = terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  if (p.done < p.total && drawn_ && now - last_ < interval) return;
  last_ = now;
  drawn_ = true;
  // The rate counts only points run now, not those read back from the journal.
  const double rate = p.elapsed_s > 0 ? static_cast<double>(p.done - p.resumed) / p.elapsed_s : 0;
  const std::string left = rate > 0 ? duration(static_cast<double>(p.total - p.done) / rate) : "?";
  const double fraction = p.total > 0 ? static_cast<double>(p.done) / static_cast<double>(p.total) : 1;
  if (terminal_) {
    const int width = 30;
    const int filled = static_cast<int>(fraction * width);
    fmt::print(stderr, "\r[{}{}] {}/{} points  {:.1f}/s  {} left ",
               std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), '.'), p.done, p.total, rate, left);
  } else {
    fmt::print(stderr, "sweep: {}/{} points ({:.0f}%), {:.1f} points/s, {} left\n", p.done, p.total,
               fraction * 100, rate, left);
  }
  std::fflush(stderr);
}

void ProgressPrinter::finish() {
  if (terminal_ && drawn_) fmt::print(stderr, "\n");
}

}  // namespace neurokv::cli
