#include "simulator/noc/load_curve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <filesystem>

#include "compiler/support/error.hpp"
#include "compiler/support/side_by_side.hpp"
#include "compiler/support/whole_file.hpp"

namespace neurokv::noc {

std::vector<double> rate_steps(const std::string& flag, double first, double last, double step) {
  if (!(first > 0 && first <= last && last <= 1 && step > 0))
    throw InputError(
        fmt::format("{}: {}:{}:{} expected first:last:step with 0 < first ≤ last ≤ 1 and step > 0", flag,
                    first, last, step));
  const auto count = static_cast<int64_t>(std::floor((last - first) / step + 1e-9)) + 1;
  if (count > 1000)
    throw InputError(
        fmt::format("{}: {}:{}:{} is {} rates, expected at most 1000", flag, first, last, step, count));
  std::vector<double> rates;
  for (int64_t i = 0; i < count; ++i) rates.push_back(first + static_cast<double>(i) * step);
  return rates;
}

std::vector<LoadPoint> run_load_curve(const NocParams& params, const SyntheticOptions& options,
                                      const std::vector<double>& rates, std::size_t workers) {
  const std::size_t count = rates.size();
  std::vector<LoadPoint> points(count);
  std::vector<std::exception_ptr> errors(count);
  // The highest rates first: a run's work grows with its load, and the longest runs started first leave the
  // least for one worker alone at the end.
  std::vector<std::size_t> order(count);
  for (std::size_t i = 0; i < count; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rates[a] > rates[b]; });
  std::atomic<std::size_t> next{0};
  side_by_side(std::max<std::size_t>(1, std::min(workers, count)), [&] {
    for (std::size_t taken; (taken = next++) < count;) {
      const std::size_t i = order[taken];
      SyntheticOptions run = options;
      run.rate = rates[i];
      points[i].rate = rates[i];
      try {
        points[i].result = run_synthetic(params, run);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  });
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);
  return points;
}

std::string write_load_curve(const std::string& dir, const std::string& title,
                             const std::vector<LoadPoint>& points) {
  std::filesystem::create_directories(dir);
  std::string data =
      "# offered_rate accepted_flits_per_node_cycle mean_latency_cycles zero_load_latency_cycles\n";
  for (const LoadPoint& p : points)
    data += fmt::format("{} {} {} {}\n", p.rate, p.result.accepted, p.result.mean_latency,
                        p.result.mean_zero_load);
  write_file_atomically(dir + "/latency_load.dat", data);
  std::string script = "# Drawn by neurokv noc; rerun with `gnuplot latency_load.gp` here.\n";
  for (const char* terminal : {"svg", "png"}) {
    script += std::string(terminal) == "svg"
                  ? "set terminal svg size 800,500 noenhanced font 'Sans,11' background rgb 'white'\n"
                  : "set terminal pngcairo size 800,500 noenhanced font 'Sans,9' background rgb 'white'\n";
    script += fmt::format(
        "set output 'latency_load.{}'\nset title \"{}\"\nset grid lc rgb '#dddddd'\n"
        "set xlabel 'load (flits/node/cycle)'\nset ylabel 'mean packet latency (cycles)'\nset logscale y 2\n"
        "set key top left\n"
        "plot 'latency_load.dat' using 2:3 with linespoints lw 2 pt 7 title 'latency vs accepted load', \\\n"
        "     'latency_load.dat' using 1:3 with linespoints lw 1 pt 6 dt 2 title 'latency vs offered load', "
        "\\\n"
        "     'latency_load.dat' using 1:4 with lines lw 1 dt 3 title 'zero-load closed form'\nreset\n",
        terminal, title);
  }
  write_file_atomically(dir + "/latency_load.gp", script);
  return "latency_load.gp";
}

}  // namespace neurokv::noc
