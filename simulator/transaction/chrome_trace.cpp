#include "simulator/transaction/chrome_trace.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace neurokv::transaction {

void ChromeTrace::name_track(int track, const std::string& name) { tracks_.emplace_back(track, name); }

void ChromeTrace::span(int track, const std::string* name, double start, double dur) {
  spans_.push_back({track, name, start, dur});
}

std::string ChromeTrace::json() const {
  // Timestamps are microseconds of chip time; cycles are kept in args for exact figures.
  const double us_per_cycle = 1e6 / clock_hz_;
  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  bool first = true;
  auto sep = [&] {
    if (!first) out += ",\n";
    first = false;
  };
  for (const auto& [track, name] : tracks_) {
    sep();
    out += fmt::format(R"({{"ph":"M","pid":0,"tid":{},"name":"thread_name","args":{{"name":{}}}}})", track,
                       nlohmann::json(name).dump());
    sep();
    out +=
        fmt::format(R"({{"ph":"M","pid":0,"tid":{},"name":"thread_sort_index","args":{{"sort_index":{}}}}})",
                    track, track);
  }
  for (const Span& s : spans_) {
    sep();
    out += fmt::format(
        R"({{"ph":"X","pid":0,"tid":{},"name":{},"ts":{:.6f},"dur":{:.6f},"args":{{"cycles":{}}}}})", s.track,
        nlohmann::json(*s.name).dump(), s.start * us_per_cycle, s.dur * us_per_cycle, s.dur);
  }
  out += "\n]}\n";
  return out;
}

}  // namespace neurokv::transaction
