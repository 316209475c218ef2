#include "simulator/dram/scheduler.hpp"

#include <algorithm>

namespace neurokv::dram {
namespace {

// Keeps the earliest future cycle a blocked candidate could go.
void consider(int64_t at, int64_t now, int64_t& retry) {
  if (at > now) retry = std::min(retry, at);
}

}  // namespace

std::optional<Choice> Scheduler::pick(int64_t now, const std::deque<QueuedBurst>& queue,
                                      const std::vector<Bank>& banks, const Rank& rank, bool refresh_due,
                                      int64_t& retry) const {
  if (refresh_due) return pick_refresh(now, banks, retry);

  // First ready: the oldest row hit whose column command may go now, unless an older burst in its bank has
  // waited past the cap for another row (`held`: one bit per bank).
  uint64_t held = 0;
  uint64_t open_row_wanted = 0;  // banks whose open row a queued burst still hits
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const QueuedBurst& b = queue[i];
    const Bank& bank = banks[static_cast<std::size_t>(b.at.bank)];
    const uint64_t bank_bit = uint64_t{1} << b.at.bank;
    const bool hit = bank.is_open() && bank.open_row() == b.at.row;
    if (hit) open_row_wanted |= bank_bit;
    if (!hit && b.bypassed >= bypass_cap_) held |= bank_bit;
    if (!hit || (held & bank_bit) != 0) continue;
    const int64_t at = std::max(bank.earliest_column(), rank.earliest_column(b.access));
    if (at <= now)
      return Choice{b.access == Access::kWrite ? Command::kWrite : Command::kRead, static_cast<int>(i)};
    consider(at, now, retry);
  }
  // First come: the oldest burst whose row command may go now.
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const QueuedBurst& b = queue[i];
    const Bank& bank = banks[static_cast<std::size_t>(b.at.bank)];
    if (!bank.is_open()) {
      const int64_t at = std::max(bank.earliest_activate(), rank.earliest_activate());
      if (at <= now) return Choice{Command::kActivate, static_cast<int>(i)};
      consider(at, now, retry);
    } else if (bank.open_row() != b.at.row &&
               (b.bypassed >= bypass_cap_ || (open_row_wanted & (uint64_t{1} << b.at.bank)) == 0)) {
      const int64_t at = bank.earliest_precharge();
      if (at <= now) return Choice{Command::kPrecharge, static_cast<int>(i)};
      consider(at, now, retry);
    }
  }
  return std::nullopt;
}

std::optional<Choice> Scheduler::pick_refresh(int64_t now, const std::vector<Bank>& banks,
                                              int64_t& retry) const {
  bool any_open = false;
  int64_t precharge_at = now;
  int64_t refresh_at = now;
  for (const Bank& bank : banks) {
    if (bank.is_open()) {
      any_open = true;
      precharge_at = std::max(precharge_at, bank.earliest_precharge());
    }
    refresh_at = std::max(refresh_at, bank.earliest_activate());  // after tRP, tRC, an earlier tRFC
  }
  const int64_t at = any_open ? precharge_at : refresh_at;
  if (at <= now) return Choice{any_open ? Command::kPrechargeAll : Command::kRefresh, -1};
  consider(at, now, retry);
  return std::nullopt;
}

}  // namespace neurokv::dram
