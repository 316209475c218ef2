#include "simulator/noc/load_curve.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "compiler/support/error.hpp"
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
