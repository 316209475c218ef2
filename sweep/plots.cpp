#include "sweep/plots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "simulator/energy_model.hpp"
#include "sweep/pareto.hpp"

namespace neurokv::sweep {
namespace {

// Rows as named numbers and texts, restricted to what a plot shows.
class Rows {
 public:
  Rows(const SweepResults& results) : results_(results) {}
  double number(const SweepRow& row, const std::string& column) const { return std::stod(text(row, column)); }
  const std::string& text(const SweepRow& row, const std::string& column) const {
    return row.values[column_index(results_.columns, column) - 1];
  }

 private:
  const SweepResults& results_;
};

struct Unit {
  double scale;
  std::string name;
};

// The unit that keeps the largest value between 1 and 1000.
Unit unit_for(double largest, const std::string& base, const std::vector<std::string>& prefixes) {
  double scale = 1;
  for (const std::string& prefix : prefixes) {
    if (largest * scale >= 1 || prefix == prefixes.back()) return {scale, prefix + base};
    scale *= 1000;
  }
  return {scale, base};
}
const std::vector<std::string> kSmaller{"", "m", "µ", "n"};

std::string header(const std::string& name, const std::string& title) {
  return fmt::format(
      "# Drawn by neurokv from results.csv; rerun with `gnuplot {0}.gp` here or `neurokv plot DIR`.\n"
      "set terminal svg size 900,560 dynamic noenhanced font 'Sans,12' background rgb 'white'\n"
      "set output '{0}.svg'\n"
      "set title \"{1}\"\n"
      "set grid lc rgb '#dddddd'\n"
      "set key outside right top\n",
      name, title);
}

std::string png_footer(const std::string& name) {
  return fmt::format(
      "set terminal pngcairo size 900,560 noenhanced font 'Sans,10' background rgb 'white'\n"
      "set output '{}.png'\nreplot\n",
      name);
}

}  // namespace

std::vector<std::string> write_plots(const std::string& plots_dir, const SweepResults& all) {
  if (all.rows.empty()) throw InputError("sweep plots: the results have no rows, expected a finished sweep");
  // Infeasible points (the model does not fit the chip) have no figures to draw.
  SweepResults results = all;
  results.rows.clear();
  for (const SweepRow& row : all.rows) {
    if (feasible(all.columns, row)) results.rows.push_back(row);
  }
  if (results.rows.empty()) {
    throw InputError(
        "sweep plots: no point is feasible (no model fits its chip), expected at least one to draw");
  }
  std::error_code ec;
  std::filesystem::create_directories(plots_dir, ec);
  if (ec) throw RunError(fmt::format("{}: cannot create the plots directory: {}", plots_dir, ec.message()));
  const Rows rows(results);

  // The reference: the first model, the first value of every grid axis, the longest context.
  const SweepRow& first = results.rows.front();
  const std::string model = rows.text(first, "model");
  const std::size_t grid_axes = results.spec.at("grid").size();
  const auto at_reference_grid = [&](const SweepRow& row) {
    return rows.text(row, "model") == model &&
           std::equal(row.values.begin(), row.values.begin() + grid_axes, first.values.begin());
  };
  std::vector<std::string> variants;
  double longest = 0, most_energy = 0, most_latency = 0;
  for (const SweepRow& row : results.rows) {
    if (rows.text(row, "model") != model) continue;
    const std::string& v = rows.text(row, "variant");
    if (std::find(variants.begin(), variants.end(), v) == variants.end()) variants.push_back(v);
    longest = std::max(longest, rows.number(row, "context"));
    most_energy = std::max(most_energy, rows.number(row, "decode_energy_j"));
    most_latency = std::max(most_latency, rows.number(row, "decode_latency_s"));
  }
  const Unit energy = unit_for(most_energy, "J", kSmaller);
  const Unit latency = unit_for(most_latency, "s", kSmaller);
  std::string grid_note;
  for (std::size_t a = 0; a < grid_axes; ++a) {
    grid_note += fmt::format("{}{} = {:.4g}", a == 0 ? "\\n" : ", ", results.columns[1 + a],
                             std::stod(first.values[a]));
  }
  std::vector<std::string> scripts;
  const auto save = [&](const std::string& name, const std::string& data, const std::string& script) {
    write_file_atomically(plots_dir + "/" + name + ".dat", data);
    write_file_atomically(plots_dir + "/" + name + ".gp", script + png_footer(name));
    scripts.push_back(name + ".gp");
  };
  const auto by_variant = [&](const std::string& name, const std::string& ylabel, const std::string& title,
                              const std::string& settings, const std::function<double(const SweepRow&)>& y) {
    std::string data, plot;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      data += fmt::format("# {}\n", variants[i]);
      for (const SweepRow& row : results.rows) {
        if (at_reference_grid(row) && rows.text(row, "variant") == variants[i]) {
          data += fmt::format("{} {}\n", rows.number(row, "context"), y(row));
        }
      }
      data += "\n\n";
      plot += fmt::format("{}'{}.dat' index {} using 1:2 with linespoints lw 2 pt {} dt {} title \"{}\"",
                          i == 0 ? "plot " : ", \\\n     ", name, i, i + 1, i % 3 + 1, variants[i]);
    }
    save(name, data,
         header(name, title + fmt::format(", {}{}", model, grid_note)) +
             fmt::format("set xlabel 'context (tokens)'\nset ylabel '{}'\nset logscale x 2\n{}", ylabel,
                         settings) +
             plot + "\n");
  };

  by_variant("energy_vs_context", fmt::format("decode energy per token ({})", energy.name),
             "Decode energy per token vs context", "",
             [&](const SweepRow& r) { return rows.number(r, "decode_energy_j") * energy.scale; });
  by_variant("kv_memory_vs_context", "KV cache (MiB)", "KV-cache memory vs context",
             "set logscale y 2\n",  // MQA's cache is 1/16 of QKV's: a linear axis flattens it
             [&](const SweepRow& r) { return rows.number(r, "kv_cache_bytes") / (1024.0 * 1024.0); });

  {  // Latency vs energy at the longest context, every grid point, with the front.
    const std::string name = "latency_vs_energy";
    std::vector<const SweepRow*> at_longest;
    for (const SweepRow& row : results.rows) {
      if (rows.text(row, "model") == model && rows.number(row, "context") == longest)
        at_longest.push_back(&row);
    }
    const std::vector<bool> pareto3 = pareto_rows(results.columns, results.rows);
    std::vector<std::vector<double>> objectives;
    for (const SweepRow* row : at_longest) {
      objectives.push_back({rows.number(*row, "decode_latency_s"), rows.number(*row, "decode_energy_j")});
    }
    const std::vector<bool> front2 = pareto_front(objectives);
    std::string data, plot;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      data += fmt::format("# {}\n", variants[i]);
      for (const SweepRow* row : at_longest) {
        if (rows.text(*row, "variant") != variants[i]) continue;
        data += fmt::format("{} {}\n", rows.number(*row, "decode_latency_s") * latency.scale,
                            rows.number(*row, "decode_energy_j") * energy.scale);
      }
      data += "\n\n";
      plot += fmt::format("{}'{}.dat' index {} using 1:2 with points pt 7 ps 0.9 title \"{}\"",
                          i == 0 ? "plot " : ", \\\n     ", name, i, variants[i]);
    }
    data += "# Pareto-optimal in energy, latency and KV memory\n";
    for (std::size_t n = 0; n < at_longest.size(); ++n) {
      if (!pareto3[static_cast<std::size_t>(at_longest[n] - results.rows.data())]) continue;
      data += fmt::format("{} {}\n", rows.number(*at_longest[n], "decode_latency_s") * latency.scale,
                          rows.number(*at_longest[n], "decode_energy_j") * energy.scale);
    }
    data += "\n\n# latency-energy front, by latency\n";
    std::vector<std::pair<double, double>> front;
    for (std::size_t n = 0; n < at_longest.size(); ++n) {
      if (front2[n]) front.push_back({objectives[n][0] * latency.scale, objectives[n][1] * energy.scale});
    }
    std::sort(front.begin(), front.end());
    for (const auto& p : front) data += fmt::format("{} {}\n", p.first, p.second);
    plot += fmt::format(
        ", \\\n     '{0}.dat' index {1} using 1:2 with points pt 6 ps 2 lc rgb 'black' title "
        "\"Pareto (energy, latency, KV)\", \\\n     '{0}.dat' index {2} using 1:2 with steps lw 2 "
        "lc rgb 'black' dt 2 title \"latency-energy front\"",
        name, variants.size(), variants.size() + 1);
    save(name, data,
         header(name, fmt::format("Decode latency vs energy per token at context {} ({}, every grid point)",
                                  longest, model)) +
             fmt::format(
                 "set xlabel 'decode latency per token ({})'\nset ylabel 'decode energy per token ({})'\n",
                 latency.name, energy.name) +
             plot + "\n");
  }

  {  // Stacked energy by action, per variant, at the reference grid point and the longest context.
    const std::string name = "energy_breakdown";
    std::vector<std::string> parts;  // the energy lines, in EnergyBreakdown::fields() order
    for (const auto& [part, field] : EnergyBreakdown::fields()) parts.push_back(part);
    std::string data = "variant";
    for (const std::string& part : parts) data += " " + part;
    data += "\n";
    for (const SweepRow& row : results.rows) {
      if (!at_reference_grid(row) || rows.number(row, "context") != longest) continue;
      data += fmt::format("\"{}\"", rows.text(row, "variant"));
      for (const std::string& part : parts) {
        data += fmt::format(" {}", rows.number(row, "decode_energy_" + part + "_j") * energy.scale);
      }
      data += "\n";
    }
    save(name, data,
         header(name, fmt::format("Decode energy per token by action at context {}, {}{}", longest, model,
                                  grid_note)) +
             fmt::format(
                 "set ylabel 'decode energy per token ({})'\nset style data histograms\n"
                 "set style histogram rowstacked\nset style fill solid 0.85 border -1\nset boxwidth 0.7\n"
                 "set yrange [0:*]\nset xtics rotate by -30\n"
                 "plot for [c=2:{}] '{}.dat' using c:xtic(1) title columnheader(c)\n",
                 energy.name, parts.size() + 1, name));
  }
  return scripts;
}

}  // namespace neurokv::sweep
