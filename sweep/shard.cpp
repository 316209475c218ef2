#include "sweep/shard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <utility>

#include "compiler/support/error.hpp"

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

SweepResults merge_results(std::vector<SweepResults> shards) {
  if (shards.empty()) throw InputError("sweep merge: no result directories given, expected one per shard");
  SweepResults merged;
  merged.spec = shards.front().spec;
  merged.spec_hash = shards.front().spec_hash;
  merged.points_total = shards.front().points_total;
  merged.columns = shards.front().columns;
  const auto version = [](const SweepResults& r) {
    const bool named = r.spec.is_object() && r.spec.contains("neurokv") && r.spec.at("neurokv").is_string();
    return named ? r.spec.at("neurokv").get<std::string>() : std::string("before 0.1.0+cost1");
  };
  for (SweepResults& shard : shards) {
    if (version(shard) != version(merged)) {
      throw InputError(
          fmt::format("sweep merge: shard {} was run by neurokv {}, another by neurokv {} (version+cost "
                      "model): their rows may be costed by other equations, expected shards run by one "
                      "neurokv build (rerun the older shards)",
                      shard.shard.empty() ? "(whole)" : shard.shard, version(shard), version(merged)));
    }
    if (shard.spec_hash != merged.spec_hash || shard.columns != merged.columns) {
      throw InputError(
          fmt::format("sweep merge: shard {} has spec hash {}, another has {}: expected shards of one "
                      "sweep (same spec, model and chip files)",
                      shard.shard.empty() ? "(whole)" : shard.shard, shard.spec_hash, merged.spec_hash));
    }
    merged.rows.insert(merged.rows.end(), std::make_move_iterator(shard.rows.begin()),
                       std::make_move_iterator(shard.rows.end()));
    shard.rows = {};
  }
  std::sort(merged.rows.begin(), merged.rows.end(),
            [](const SweepRow& a, const SweepRow& b) { return a.point < b.point; });

  std::vector<int64_t> missing, twice;
  int64_t expected = 0;
  for (std::size_t i = 0; i < merged.rows.size(); ++i) {
    const int64_t point = merged.rows[i].point;
    if (i > 0 && point == merged.rows[i - 1].point) {
      twice.push_back(point);
      continue;
    }
    for (; expected < point && expected < merged.points_total; ++expected) missing.push_back(expected);
    expected = point + 1;
  }
  for (; expected < merged.points_total; ++expected) missing.push_back(expected);
  if (!merged.rows.empty() && merged.rows.back().point >= merged.points_total) {
    throw InputError(fmt::format("sweep merge: point {} is beyond the sweep's {} points",
                                 merged.rows.back().point, merged.points_total));
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
                    missing.size(), merged.points_total, index_ranges(missing, 20)));
  }
  return merged;
}

}  // namespace neurokv::sweep
