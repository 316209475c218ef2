#include "sweep/shard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "compiler/support/error.hpp"
#include "sweep/pareto.hpp"

namespace neurokv::sweep {
namespace {

// "3, 7-9, 12" for up to `limit` runs, then how many more.
std::string index_ranges(const std::vector<int64_t>& sorted, std::size_t limit) {
  std::vector<std::string> runs;
  std::size_t i = 0;
  while (i < sorted.size() && runs.size() < limit) {
    std::size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
    runs.push_back(j == i ? std::to_string(sorted[i]) : fmt::format("{}-{}", sorted[i], sorted[j]));
    i = j + 1;
  }
  std::string out = fmt::format("{}", fmt::join(runs, ", "));
  if (i < sorted.size()) out += fmt::format(" and {} more", sorted.size() - i);
  return out;
}

}  // namespace

Shard Shard::parse(const std::string& text) {
  Shard shard;
  char slash = 0;
  char extra = 0;
  const int read = std::sscanf(text.c_str(), "%d%c%d%c", &shard.k, &slash, &shard.n, &extra);
  if (read != 3 || slash != '/' || shard.n < 1 || shard.k < 1 || shard.k > shard.n) {
    throw InputError(fmt::format("--shard '{}': expected K/N with 1 <= K <= N, e.g. 2/8", text));
  }
  return shard;
}

std::string Shard::text() const { return fmt::format("{}/{}", k, n); }

ShardMerge::ShardMerge(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw InputError("sweep merge: no result directories given, expected one per shard");
  for (const std::string& dir : dirs) shards_.emplace_back(dir);
  const SweepResults& first = shards_.front().header();
  header_.spec = first.spec;
  header_.spec_hash = first.spec_hash;
  header_.points_total = first.points_total;
  header_.columns = first.columns;
  const auto version = [](const SweepResults& r) {
    const bool named = r.spec.is_object() && r.spec.contains("neurokv") && r.spec.at("neurokv").is_string();
    return named ? r.spec.at("neurokv").get<std::string>() : std::string("before 0.1.0+cost1");
  };
  for (const ResultsText& text : shards_) {
    const SweepResults& shard = text.header();
    if (version(shard) != version(header_)) {
      throw InputError(
          fmt::format("sweep merge: shard {} was run by neurokv {}, another by neurokv {} (version+cost "
                      "model): their rows may be costed by other equations, expected shards run by one "
                      "neurokv build (rerun the older shards)",
                      shard.shard.empty() ? "(whole)" : shard.shard, version(shard), version(header_)));
    }
    if (shard.spec_hash != header_.spec_hash || shard.columns != header_.columns) {
      throw InputError(
          fmt::format("sweep merge: shard {} has spec hash {}, another has {}: expected shards of one "
                      "sweep (same spec, model and chip files)",
                      shard.shard.empty() ? "(whole)" : shard.shard, shard.spec_hash, header_.spec_hash));
    }
  }
  // Every row parsed once here, for its point, its feasibility and its place on the Pareto front (by point:
  // a complete merge's rows are the points 0 to points_total − 1).
  const RowFlags flags(header_.columns);
  ParetoTable pareto(header_.columns);
  for (std::size_t s = 0; s < shards_.size(); ++s) {
    for (std::size_t r = 0; r < shards_[s].rows(); ++r) {
      const SweepRow row = shards_[s].row(r);
      order_.push_back({row.point, static_cast<uint32_t>(s), static_cast<uint32_t>(r)});
      if (!flags.feasible(row)) ++infeasible_;
      if (row.point < header_.points_total) pareto.set(static_cast<std::size_t>(row.point), row);
    }
  }
  std::sort(order_.begin(), order_.end(), [](const Place& a, const Place& b) { return a.point < b.point; });

  std::vector<int64_t> missing, twice;
  int64_t expected = 0;
  for (std::size_t i = 0; i < order_.size(); ++i) {
    const int64_t point = order_[i].point;
    if (i > 0 && point == order_[i - 1].point) {
      twice.push_back(point);
      continue;
    }
    for (; expected < point && expected < header_.points_total; ++expected) missing.push_back(expected);
    expected = point + 1;
  }
  for (; expected < header_.points_total; ++expected) missing.push_back(expected);
  if (!order_.empty() && order_.back().point >= header_.points_total) {
    throw InputError(fmt::format("sweep merge: point {} is beyond the sweep's {} points", order_.back().point,
                                 header_.points_total));
  }
  if (!twice.empty()) {
    throw InputError(
        fmt::format("sweep merge: points appear in more than one shard: {}; expected disjoint shards",
                    index_ranges(twice, 20)));
  }
  if (!missing.empty()) {
    throw InputError(
        fmt::format("sweep merge: {} of {} points are missing: {}; expected every shard finished "
                    "(run the missing shard, or resume it with --resume)",
                    missing.size(), header_.points_total, index_ranges(missing, 20)));
  }
  pareto_ = pareto.front();
}

void ShardMerge::write(const std::string& dir) const {
  ResultsWriter writer(dir, header_);
  for (const Place& place : order_) {
    writer.add(shards_[place.shard].row(place.row), pareto_[static_cast<std::size_t>(place.point)]);
  }
  writer.commit();
}

}  // namespace neurokv::sweep
