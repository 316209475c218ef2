#include "simulator/dram/channel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "compiler/support/error.hpp"

namespace neurokv::dram {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

}  // namespace

Channel::Channel(const Device& device, int queue_depth, int64_t bypass_cap)
    : device_(device),
      queue_depth_(static_cast<std::size_t>(queue_depth)),
      banks_(static_cast<std::size_t>(device.banks)),
      rank_(device.timing, device.burst_cycles()),
      scheduler_(bypass_cap),
      refresh_(device.timing.refi) {
  if (queue_depth < 1)
    throw InputError(fmt::format("DRAM queue depth is {}, expected at least 1", queue_depth));
  if (bypass_cap < 0) throw InputError(fmt::format("DRAM bypass cap is {}, expected 0 or more", bypass_cap));
  if (device.banks > Scheduler::kMaxBanks) {
    throw InputError(fmt::format("DRAM device '{}' has {} banks, the scheduler tracks at most {}",
                                 device.name, device.banks, Scheduler::kMaxBanks));
  }
}

void Channel::enqueue(const QueuedBurst& burst) {
  const int64_t latest = backlog_.empty() ? now_ : backlog_.back().arrival;
  if (burst.arrival < latest) {
    throw InputError(
        fmt::format("DRAM burst arrives at cycle {}, before cycle {} already handed over or simulated",
                    burst.arrival, latest));
  }
  backlog_.push_back(burst);
}

void Channel::advance(int64_t limit) {
  while (now_ < limit) step(limit);
}

void Channel::drain() {
  while (!idle()) step(kNever);
}

std::vector<BurstDone> Channel::take_done() {
  std::vector<BurstDone> out;
  out.swap(done_);
  return out;
}

void Channel::admit() {
  while (!backlog_.empty() && queue_.size() < queue_depth_ && backlog_.front().arrival <= now_) {
    queue_.push_back(backlog_.front());
    backlog_.pop_front();
  }
}

void Channel::step(int64_t limit) {
  admit();
  int64_t next = kNever;
  const bool refresh_due = refresh_.due(now_);
  if (!queue_.empty() || refresh_due) {
    if (const auto choice = scheduler_.pick(now_, queue_, banks_, rank_, refresh_due, next)) {
      issue(*choice);
      ++now_;
      return;
    }
  }
  if (!refresh_due) next = std::min(next, refresh_.next_due());
  if (!backlog_.empty() && queue_.size() < queue_depth_) next = std::min(next, backlog_.front().arrival);
  if (next == kNever || next <= now_) {
    throw std::logic_error(
        fmt::format("DRAM channel stalled at cycle {} with {} bursts queued", now_, queue_.size()));
  }
  now_ = std::min(next, limit);
}

void Channel::issue(const Choice& choice) {
  ++stats_.commands[static_cast<int>(choice.command)];
  const Timing& t = device_.timing;
  switch (choice.command) {
    case Command::kActivate: {
      QueuedBurst& b = queue_[static_cast<std::size_t>(choice.entry)];
      banks_[static_cast<std::size_t>(b.at.bank)].activate(now_, b.at.row, t);
      rank_.activate(now_);
      b.activated = true;
      return;
    }
    case Command::kPrecharge: {
      QueuedBurst& b = queue_[static_cast<std::size_t>(choice.entry)];
      banks_[static_cast<std::size_t>(b.at.bank)].precharge(now_, t.rp_pb);
      b.precharged = true;
      return;
    }
    case Command::kPrechargeAll:
      for (Bank& bank : banks_) {
        if (bank.is_open()) bank.precharge(now_, t.rp_ab);
      }
      return;
    case Command::kRefresh:
      for (Bank& bank : banks_) bank.refresh(now_, t);
      refresh_.refreshed();
      return;
    case Command::kRead:
    case Command::kWrite:
      issue_column(static_cast<std::size_t>(choice.entry));
      return;
  }
}

void Channel::issue_column(std::size_t entry) {
  const QueuedBurst b = queue_[entry];
  Bank& bank = banks_[static_cast<std::size_t>(b.at.bank)];
  const int64_t data_end = rank_.data_end(now_, b.access);
  if (b.access == Access::kWrite) {
    bank.write(now_, device_.timing, device_.burst_cycles());
    stats_.bytes_written += device_.burst_bytes();
  } else {
    bank.read(now_, device_.timing);
    stats_.bytes_read += device_.burst_bytes();
  }
  rank_.column(now_, b.access);
  stats_.busy_cycles = rank_.busy_cycles();
  ++stats_.bursts;
  stats_.max_bypassed = std::max(stats_.max_bypassed, b.bypassed);
  if (b.precharged) {
    ++stats_.row_conflicts;
  } else if (b.activated) {
    ++stats_.row_misses;
  } else {
    ++stats_.row_hits;
  }
  // Older bursts of this bank waiting for another row were passed over once more.
  for (std::size_t j = 0; j < entry; ++j) {
    QueuedBurst& older = queue_[j];
    if (older.at.bank == b.at.bank && older.at.row != b.at.row) ++older.bypassed;
  }
  queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(entry));
  done_.push_back({b.request, data_end});
}

}  // namespace neurokv::dram
