#include "sweep/plots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <tuple>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "simulator/energy_model.hpp"
#include "sweep/pareto.hpp"

namespace neurokv::sweep {
namespace {

// Rows as named numbers and texts, restricted to what a plot shows.
class Rows {
 public:
  explicit Rows(const SweepResults& results) : results_(results) {}
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

// The SI unit (J, s) that keeps the largest value between 1 and 1000.
Unit si_unit(double largest, const std::string& base) {
  static const std::vector<std::string> prefixes{"", "m", "µ", "n"};
  double scale = 1;
  for (const std::string& prefix : prefixes) {
    if (largest * scale >= 1 || prefix == prefixes.back()) return {scale, prefix + base};
    scale *= 1000;
  }
  return {scale, base};
}

// The binary unit (B, KiB, MiB, GiB) that keeps the largest value under 1024.
Unit byte_unit(double largest) {
  double scale = 1;
  for (const char* name : {"B", "KiB", "MiB"}) {
    if (largest * scale < 1024) return {scale, name};
    scale /= 1024;
  }
  return {scale, "GiB"};
}

using UnitPicker = std::function<Unit(double largest)>;

// One colour, point and dash per variant, the same in every panel and plot.
constexpr const char* kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                                    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a"};
constexpr int kColourCount = sizeof(kColours) / sizeof(kColours[0]);
constexpr int kPartStyle = 40;  // linetypes of the energy parts start here

// Text inside a gnuplot double-quoted string.
std::string gp(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string value_text(const std::string& value) { return fmt::format("{:.4g}", std::stod(value)); }

// A facet axis draws at most this many of its values as panels, evenly spaced from its first to its last: a
// 50 x 50 grid would be 2,500 panels, more than a figure shows (or cairo draws).
constexpr std::size_t kMostPanelValues = 5;

// A grid axis: its column and its values in ascending order.
struct Axis {
  std::size_t index = 0;  // position in a row's values
  std::string name;
  std::vector<std::string> values;
  std::size_t rank(const std::string& value) const {
    return static_cast<std::size_t>(std::find(values.begin(), values.end(), value) - values.begin());
  }
  // The values that get panels when the axis is a facet.
  std::vector<std::string> panel_values() const {
    if (values.size() <= kMostPanelValues) return values;
    std::vector<std::string> drawn;
    for (std::size_t i = 0; i < kMostPanelValues; ++i)
      drawn.push_back(values[i * (values.size() - 1) / (kMostPanelValues - 1)]);
    return drawn;
  }
};

// One panel: one model on one chip, the chip being the spec's `hw` with the facet axes at these values.
struct Panel {
  std::string model;
  std::vector<std::string> values;  // one per facet axis
  std::vector<const SweepRow*> rows;
};

// The plots' shared view of the results: models, variants, axes and the rows that are drawn.
class Sweep {
 public:
  explicit Sweep(const SweepResults& results) : rows_(results), results_(results) {
    const std::size_t grid_axes = results.spec.at("grid").size();
    for (std::size_t a = 0; a < grid_axes; ++a) axes_.push_back({a, results.columns[1 + a], {}});
    for (const SweepRow& row : results.rows) {
      add_once(models_, rows_.text(row, "model"));
      add_once(variants_, rows_.text(row, "variant"));
      for (Axis& axis : axes_) add_once(axis.values, row.values[axis.index]);
      hw_ = rows_.text(row, "hw");
    }
    for (Axis& axis : axes_) {
      std::sort(axis.values.begin(), axis.values.end(),
                [](const std::string& a, const std::string& b) { return std::stod(a) < std::stod(b); });
    }
  }

  const Rows& rows() const { return rows_; }
  const std::vector<std::string>& models() const { return models_; }
  const std::vector<std::string>& variants() const { return variants_; }
  const std::vector<Axis>& axes() const { return axes_; }
  const std::string& hw() const { return hw_; }
  const std::vector<SweepRow>& all() const { return results_.rows; }
  const std::vector<std::string>& columns() const { return results_.columns; }
  int style(const std::string& variant) const {
    return static_cast<int>(std::find(variants_.begin(), variants_.end(), variant) - variants_.begin()) + 1;
  }

  // Rows at each model's longest context.
  std::vector<const SweepRow*> at_longest_context() const {
    std::map<std::string, double> longest;
    for (const SweepRow& row : results_.rows) {
      double& l = longest[rows_.text(row, "model")];
      l = std::max(l, rows_.number(row, "context"));
    }
    std::vector<const SweepRow*> out;
    for (const SweepRow& row : results_.rows) {
      if (rows_.number(row, "context") == longest[rows_.text(row, "model")]) out.push_back(&row);
    }
    return out;
  }

  // Whether the quantity `y` changes along `axis` when everything else stays: an axis that changes nothing
  // (the mesh for the KV cache's size) gets no panels of its own.
  bool affects(const Axis& axis, const std::vector<const SweepRow*>& rows,
               const std::function<double(const SweepRow&)>& y) const {
    std::map<std::string, std::pair<double, double>> range;
    for (const SweepRow* row : rows) {
      std::string key =
          rows_.text(*row, "model") + "|" + rows_.text(*row, "variant") + "|" + rows_.text(*row, "context");
      for (const Axis& other : axes_) {
        if (other.index != axis.index) key += "|" + row->values[other.index];
      }
      const double value = y(*row);
      const auto [at, fresh] = range.emplace(key, std::make_pair(value, value));
      if (!fresh) at->second = {std::min(at->second.first, value), std::max(at->second.second, value)};
    }
    return std::any_of(range.begin(), range.end(), [](const auto& entry) {
      const auto [low, high] = entry.second;
      return high - low > 1e-9 * std::max(std::fabs(high), std::fabs(low));
    });
  }

  // The panels of `rows` for these facet axes (at their panel values), in model order then axis-value order;
  // the axes in `held` are drawn at their first value only, and so are the ones in `flat` (they change
  // nothing drawn, and each of their values would draw the same line again).
  std::vector<Panel> panels(const std::vector<const SweepRow*>& rows, const std::vector<Axis>& facets,
                            const std::vector<Axis>& held, const std::vector<Axis>& flat) const {
    std::vector<std::vector<std::string>> panel_values;
    for (const Axis& axis : facets) panel_values.push_back(axis.panel_values());
    const auto at_first = [](const SweepRow* row, const std::vector<Axis>& axes) {
      return std::all_of(axes.begin(), axes.end(),
                         [&](const Axis& a) { return row->values[a.index] == a.values.front(); });
    };
    std::map<std::vector<std::size_t>, Panel> by_key;
    for (const SweepRow* row : rows) {
      const bool at_held = at_first(row, held) && at_first(row, flat);
      bool at_panel_values = true;
      for (std::size_t f = 0; f < facets.size(); ++f) {
        const std::vector<std::string>& drawn = panel_values[f];
        at_panel_values = at_panel_values &&
                          std::find(drawn.begin(), drawn.end(), row->values[facets[f].index]) != drawn.end();
      }
      if (!at_held || !at_panel_values) continue;
      const std::string& model = rows_.text(*row, "model");
      std::vector<std::size_t> key{
          static_cast<std::size_t>(std::find(models_.begin(), models_.end(), model) - models_.begin())};
      // The first facet axis varies fastest: its values run across a row of panels.
      std::vector<std::string> values;
      for (auto axis = facets.rbegin(); axis != facets.rend(); ++axis)
        key.push_back(axis->rank(row->values[axis->index]));
      for (const Axis& axis : facets) values.push_back(row->values[axis.index]);
      Panel& panel = by_key[key];
      panel.model = model;
      panel.values = values;
      panel.rows.push_back(row);
    }
    std::vector<Panel> out;
    for (auto& entry : by_key) out.push_back(std::move(entry.second));
    return out;
  }

  // "paper-300m on akida2-like\ndram.bandwidth_bytes_per_s = 3.2e+09": which model and chip a panel is, one
  // line per axis.
  std::string panel_title(const Panel& panel, const std::vector<Axis>& facets) const {
    std::string title = gp(panel.model) + " on " + gp(hw_);
    for (std::size_t f = 0; f < facets.size(); ++f)
      title += fmt::format("\\n{} = {}", gp(facets[f].name), value_text(panel.values[f]));
    return "\"" + title + "\"";
  }

  // What the figure's title says of the axes not drawn whole: panels at some values, held at one value, or
  // changing nothing.
  std::string axes_note(const std::vector<Axis>& facets, const std::vector<Axis>& held,
                        const std::vector<Axis>& flat) const {
    std::string note;
    for (const Axis& a : facets) {
      if (a.values.size() > kMostPanelValues)
        note += fmt::format("; {} at {} of {} values", a.name, kMostPanelValues, a.values.size());
    }
    for (const Axis& a : held) note += fmt::format("; {} at {} only", a.name, value_text(a.values.front()));
    for (const Axis& a : flat) note += fmt::format("; the same for every {}", a.name);
    return gp(note);
  }

 private:
  static void add_once(std::vector<std::string>& list, const std::string& item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
  }

  Rows rows_;
  const SweepResults& results_;
  std::vector<std::string> models_, variants_;
  std::vector<Axis> axes_;
  std::string hw_;
};

using Quantity = std::function<double(const SweepRow&)>;

// The axes that change any of the plotted quantities, split into the ones drawn (`facets`, at most `most`)
// and the ones held at their first value; `flat` gets the ones that change nothing.
void split_axes(const Sweep& sweep, const std::vector<const SweepRow*>& rows, const std::vector<Quantity>& ys,
                std::size_t most, std::vector<Axis>& facets, std::vector<Axis>& held,
                std::vector<Axis>& flat) {
  for (const Axis& axis : sweep.axes()) {
    const bool changes =
        std::any_of(ys.begin(), ys.end(), [&](const Quantity& y) { return sweep.affects(axis, rows, y); });
    if (axis.values.size() < 2)  // one value drawn (the others infeasible): said in the title
      held.push_back(axis);
    else if (!changes)
      flat.push_back(axis);
    else if (facets.size() < most)
      facets.push_back(axis);
    else
      held.push_back(axis);
  }
}

// A grid of panels under a legend band and a title; gnuplot draws it twice, as SVG and as PNG.
class Figure {
 public:
  static constexpr int kPanelWidth = 460, kPanelHeight = 350, kTop = 110;

  Figure(std::string name, std::size_t panels, std::size_t columns)
      : name_(std::move(name)),
        columns_(std::max<std::size_t>(1, std::min(columns, panels))),
        rows_((panels + columns_ - 1) / columns_) {}

  int width() const { return static_cast<int>(columns_) * kPanelWidth; }
  int height() const { return static_cast<int>(rows_) * kPanelHeight + kTop; }

  std::string panel(std::size_t i) const {
    const double w = double(kPanelWidth) / width(), h = double(kPanelHeight) / height();
    const std::size_t row = i / columns_, column = i % columns_;
    return fmt::format("set origin {:.5f},{:.5f}\nset size {:.5f},{:.5f}\n", column * w,
                       1.0 - double(kTop) / height() - (row + 1) * h, w, h);
  }

  // The band under the title that holds the one legend of every panel.
  std::string legend(const std::string& entries) const {
    return fmt::format(
        "set origin 0,{:.5f}\nset size 1,{:.5f}\nunset border\nunset tics\nunset xlabel\nunset ylabel\n"
        "unset title\nunset grid\nunset logscale\nset xrange [0:1]\nset yrange [0:1]\n"
        "set key center center horizontal maxrows 2 width 1 samplen 3\nplot {}\n",
        double(height() - kTop + 5) / height(), (kTop - 35.0) / height(), entries);
  }

  // The whole script: `body` drawn as an SVG, then as a PNG.
  std::string script(const std::string& title, const std::string& styles, const std::string& body) const {
    std::string out = fmt::format(
        "# Drawn by neurokv from results.csv; rerun with `gnuplot {}.gp` here or `neurokv plot DIR`.\n{}",
        name_, styles);
    for (const char* terminal : {"svg", "png"}) {
      out +=
          std::string(terminal) == "svg"
              ? fmt::format("set terminal svg size {},{} noenhanced font 'Sans,11' background rgb 'white'\n",
                            width(), height())
              : fmt::format(
                    "set terminal pngcairo size {},{} noenhanced font 'Sans,9' background rgb "
                    "'white'\n",
                    width(), height());
      out += fmt::format("set output '{}.{}'\nset multiplot title \"{}\"\n", name_, terminal, title);
      out += "set grid lc rgb '#dddddd'\nset border\nset tics\n" + body + "unset multiplot\nreset\n" + styles;
    }
    return out;
  }

 private:
  std::string name_;
  std::size_t columns_, rows_;
};

std::string variant_styles(const Sweep& sweep) {
  std::string out;
  for (std::size_t v = 0; v < sweep.variants().size(); ++v) {
    out += fmt::format("set linetype {} lc rgb '{}' lw 2 pt {} ps 0.8 dt {}\n", v + 1,
                       kColours[v % kColourCount], v % 13 + 1, v / kColourCount + 1);
  }
  return out;
}

std::string variant_legend(const Sweep& sweep, const char* with) {
  std::string entries;
  for (const std::string& variant : sweep.variants()) {
    entries += fmt::format("{}NaN with {} lt {} title \"{}\"", entries.empty() ? "" : ", ", with,
                           sweep.style(variant), gp(variant));
  }
  return entries;
}

// Columns of the panel grid: one per value of the first facet axis, else one per model.
std::size_t grid_columns(const Sweep& sweep, const std::vector<Axis>& facets) {
  return std::min<std::size_t>(5,
                               facets.empty() ? sweep.models().size() : facets.front().panel_values().size());
}

class PlotWriter {
 public:
  PlotWriter(std::string dir, const Sweep& sweep) : dir_(std::move(dir)), sweep_(sweep) {}

  // A y quantity against context: one panel per model and chip, one line per variant. Each model has its own
  // unit and y range (paper-300m's millijoules would flatten edge-tiny's microjoules), shared by its panels.
  void by_context(const std::string& name, const std::string& title, const std::string& ylabel, bool log_y,
                  const Quantity& y, const UnitPicker& pick) {
    std::vector<const SweepRow*> rows;
    for (const SweepRow& row : sweep_.all()) rows.push_back(&row);
    std::vector<Axis> facets, held, flat;
    split_axes(sweep_, rows, {y}, 2, facets, held, flat);
    const std::vector<Panel> panels = sweep_.panels(rows, facets, held, flat);
    const Figure figure(name, panels.size(), grid_columns(sweep_, facets));
    const std::map<std::string, Unit> units = units_by_model(rows, y, pick);
    std::map<std::string, std::pair<double, double>> range;  // per model, in its unit
    double first_context = INFINITY, last_context = 0;
    std::string data;
    std::vector<std::string> plots;
    int block = 0;
    for (const Panel& panel : panels) {
      const Unit& unit = units.at(panel.model);
      auto& [low, high] = range.emplace(panel.model, std::make_pair(INFINITY, 0.0)).first->second;
      std::string plot;
      for (const std::string& variant : sweep_.variants()) {
        std::vector<std::pair<double, double>> points;
        for (const SweepRow* row : panel.rows) {
          if (sweep_.rows().text(*row, "variant") == variant)
            points.emplace_back(sweep_.rows().number(*row, "context"), y(*row) * unit.scale);
        }
        if (points.empty()) continue;
        std::sort(points.begin(), points.end());
        data += fmt::format("# {} {}\n", panel.model, variant);
        for (const auto& [x, value] : points) {
          data += fmt::format("{} {}\n", x, value);
          low = std::min(low, value);
          high = std::max(high, value);
          first_context = std::min(first_context, x);
          last_context = std::max(last_context, x);
        }
        data += "\n\n";
        plot += fmt::format("{}'{}.dat' index {} using 1:2 with linespoints lt {} notitle",
                            plot.empty() ? "plot " : ", ", name, block++, sweep_.style(variant));
      }
      plots.push_back(plot);
    }
    std::string body =
        fmt::format("set xlabel 'context (tokens)'\nset logscale x 2\n{}", log_y ? "set logscale y 2\n" : "");
    // One context: an octave either side, as gnuplot warns of (and pads) an empty x range.
    if (first_context == last_context)
      body += fmt::format("set xrange [{}:{}]\n", first_context / 2, first_context * 2);
    for (std::size_t p = 0; p < panels.size(); ++p) {
      const auto [low, high] = range.at(panels[p].model);
      body += figure.panel(p) + fmt::format("set title {}\n", sweep_.panel_title(panels[p], facets)) +
              fmt::format("set ylabel '{} ({})'\n", ylabel, units.at(panels[p].model).name) +
              (log_y ? fmt::format("set yrange [{}:{}]\n", low / 1.5, high * 1.5)
                     : fmt::format("set yrange [0:{}]\n", high * 1.08)) +
              plots[p] + "\n";
    }
    save(name, data,
         figure.script(gp(title) + sweep_.axes_note(facets, held, flat), variant_styles(sweep_),
                       body + figure.legend(variant_legend(sweep_, "linespoints"))));
  }

  // Latency against energy at each model's longest context: one line per variant through the values of the
  // first axis that changes them (labelled on the first variant), panels for the next ones; Pareto marks.
  void latency_vs_energy() {
    const std::string name = "latency_vs_energy";
    const Rows& r = sweep_.rows();
    const std::vector<const SweepRow*> rows = sweep_.at_longest_context();
    const std::vector<Quantity> plotted{
        [&](const SweepRow& row) { return r.number(row, "decode_latency_s"); },
        [&](const SweepRow& row) { return r.number(row, "decode_energy_j"); }};
    std::vector<Axis> axes, held, flat;
    split_axes(sweep_, rows, plotted, 3, axes, held, flat);
    const std::vector<Axis> facets(axes.begin() + (axes.empty() ? 0 : 1), axes.end());
    const Axis* traced = axes.empty() ? nullptr : &axes.front();
    const std::vector<Panel> panels = sweep_.panels(rows, facets, held, flat);
    const Figure figure(name, panels.size(), grid_columns(sweep_, facets));
    const std::vector<bool> pareto3 = pareto_rows(sweep_.columns(), sweep_.all());
    const auto latencies = units_by_model(rows, plotted[0], [](double l) { return si_unit(l, "s"); });
    const auto energies = units_by_model(rows, plotted[1], [](double e) { return si_unit(e, "J"); });
    std::string data, body;
    int block = 0;
    for (std::size_t p = 0; p < panels.size(); ++p) {
      const Unit& latency = latencies.at(panels[p].model);
      const Unit& energy = energies.at(panels[p].model);
      std::string plot;
      std::vector<std::vector<double>> objectives;
      std::string optimal;
      bool labelled = false;
      for (const std::string& variant : sweep_.variants()) {
        std::vector<const SweepRow*> line;
        for (const SweepRow* row : panels[p].rows) {
          if (r.text(*row, "variant") == variant) line.push_back(row);
        }
        if (line.empty()) continue;
        if (traced) {
          std::sort(line.begin(), line.end(), [&](const SweepRow* a, const SweepRow* b) {
            return traced->rank(a->values[traced->index]) < traced->rank(b->values[traced->index]);
          });
        }
        data += fmt::format("# {} {}\n", panels[p].model, variant);
        // Points at the same place (an axis that changes nothing for this model) share one label.
        std::vector<std::tuple<double, double, std::string>> points;
        for (const SweepRow* row : line) {
          const double x = r.number(*row, "decode_latency_s") * latency.scale;
          const double y = r.number(*row, "decode_energy_j") * energy.scale;
          const std::string label = traced ? value_text(row->values[traced->index]) : "";
          if (!points.empty() && std::get<0>(points.back()) == x && std::get<1>(points.back()) == y)
            std::get<2>(points.back()) += ", " + label;
          else
            points.emplace_back(x, y, label);
          objectives.push_back({x, y});
          if (pareto3[static_cast<std::size_t>(row - sweep_.all().data())])
            optimal += fmt::format("{} {}\n", x, y);
        }
        for (const auto& [x, y, label] : points) data += fmt::format("{} {} \"{}\"\n", x, y, label);
        data += "\n\n";
        plot += fmt::format("{}'{}.dat' index {} using 1:2 with linespoints lt {} notitle",
                            plot.empty() ? "plot " : ", ", name, block, sweep_.style(variant));
        if (traced && !labelled) {
          plot += fmt::format(
              ", '{}.dat' index {} using 1:2:3 with labels offset char 0.6,0.7 left "
              "font ',8' textcolor rgb '#444444' notitle",
              name, block);
          labelled = true;
        }
        ++block;
      }
      // The sweep's Pareto points (energy, latency, KV memory among the same model and context), and the
      // latency-energy front of this panel.
      std::vector<std::pair<double, double>> front;
      const std::vector<bool> front2 = pareto_front(objectives);
      for (std::size_t n = 0; n < objectives.size(); ++n) {
        if (front2[n]) front.emplace_back(objectives[n][0], objectives[n][1]);
      }
      std::sort(front.begin(), front.end());
      data += "# Pareto-optimal in energy, latency and KV memory\n" +
              (optimal.empty() ? "NaN NaN\n" : optimal) + "\n\n# latency-energy front, by latency\n";
      for (const auto& [x, y] : front) data += fmt::format("{} {}\n", x, y);
      data += "\n\n";
      plot += fmt::format(
          ", '{0}.dat' index {1} using 1:2 with points pt 6 ps 2 lc rgb 'black' notitle, "
          "'{0}.dat' index {2} using 1:2 with steps lw 1.5 lc rgb 'black' dt 2 notitle",
          name, block, block + 1);
      block += 2;
      body += figure.panel(p) + fmt::format("set title {}\n", sweep_.panel_title(panels[p], facets)) +
              fmt::format(
                  "set xlabel 'decode latency per token ({})'\nset ylabel 'decode energy per token ({})'\n",
                  latency.name, energy.name) +
              plot + "\n";
    }
    // Two lines: what is plotted, then how to read the lines.
    const std::string title =
        gp("Decode latency vs energy per token at the longest context") +
        (traced ? "\\n" + gp(fmt::format("each line runs through {} (values labelled on the first variant)",
                                         traced->name))
                : "");
    const std::string legend =
        variant_legend(sweep_, "linespoints") +
        ", NaN with points pt 6 ps 2 lc rgb 'black' title \"Pareto (energy, latency, "
        "KV)\", NaN with steps lw 1.5 lc rgb 'black' dt 2 title \"latency-energy front\"";
    save(name, data,
         figure.script(
             title + sweep_.axes_note(facets, held, flat), variant_styles(sweep_),
             // Room on the right and top for the value labels.
             "set offsets graph 0.02, graph 0.15, graph 0.08, graph 0.02\n" + body + figure.legend(legend)));
  }

  // Decode energy by action, stacked per variant, at each model's longest context, one panel per model and
  // chip.
  void energy_breakdown() {
    const std::string name = "energy_breakdown";
    std::vector<std::string> parts;  // the energy lines, in EnergyBreakdown::fields() order
    for (const auto& [part, field] : EnergyBreakdown::fields()) parts.push_back(part);
    const Rows& r = sweep_.rows();
    const std::vector<const SweepRow*> rows = sweep_.at_longest_context();
    std::vector<Quantity> plotted;
    for (const std::string& part : parts)
      plotted.push_back(
          [&r, part](const SweepRow& row) { return r.number(row, "decode_energy_" + part + "_j"); });
    std::vector<Axis> facets, held, flat;
    split_axes(sweep_, rows, plotted, 2, facets, held, flat);
    const std::vector<Panel> panels = sweep_.panels(rows, facets, held, flat);
    const Figure figure(name, panels.size(), grid_columns(sweep_, facets));
    const Quantity total = [&r](const SweepRow& row) { return r.number(row, "decode_energy_j"); };
    const auto units = units_by_model(rows, total, [](double e) { return si_unit(e, "J"); });
    std::map<std::string, double> high;  // per model, in its unit
    for (const SweepRow* row : rows) {
      const std::string& model = r.text(*row, "model");
      high[model] = std::max(high[model], total(*row) * units.at(model).scale);
    }
    std::string data, body;
    for (std::size_t p = 0; p < panels.size(); ++p) {
      const Unit& energy = units.at(panels[p].model);
      data += "# " + panels[p].model + ": variant";
      for (const std::string& part : parts) data += " " + part;
      data += "\n";
      for (const std::string& variant : sweep_.variants()) {
        for (const SweepRow* row : panels[p].rows) {
          if (r.text(*row, "variant") != variant) continue;
          data += fmt::format("\"{}\"", variant);
          for (const std::string& part : parts)
            data += fmt::format(" {}", r.number(*row, "decode_energy_" + part + "_j") * energy.scale);
          data += "\n";
        }
      }
      data += "\n\n";
      body += figure.panel(p) + fmt::format("set title {}\n", sweep_.panel_title(panels[p], facets)) +
              fmt::format("set ylabel 'decode energy per token ({})'\nset yrange [0:{}]\n", energy.name,
                          high.at(panels[p].model) * 1.08) +
              fmt::format("plot for [c=2:{}] '{}.dat' index {} using c:xtic(1) lt ({} + c) notitle\n",
                          parts.size() + 1, name, p, kPartStyle - 2);
    }
    std::string styles, legend;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      styles += fmt::format("set linetype {} lc rgb '{}'\n", kPartStyle + i, kColours[i]);
      legend += fmt::format("{}NaN with boxes fs solid 0.85 lt {} title \"{}\"", i ? ", " : "",
                            kPartStyle + i, parts[i]);
    }
    save(name, data,
         figure.script(gp("Decode energy per token by action at the longest context") +
                           sweep_.axes_note(facets, held, flat),
                       styles,
                       std::string("set style data histograms\nset style histogram rowstacked\n"
                                   "set style fill solid 0.85 border -1\nset boxwidth 0.7\n"
                                   "set xtics rotate by -35 font ',8'\n") +
                           body + "set style fill solid 0.85 border -1\n" + figure.legend(legend)));
  }

  std::vector<std::string> scripts() const { return scripts_; }

 private:
  // Per model, the unit that suits its largest value of `y`.
  std::map<std::string, Unit> units_by_model(const std::vector<const SweepRow*>& rows, const Quantity& y,
                                             const UnitPicker& pick) const {
    std::map<std::string, double> largest;
    for (const SweepRow* row : rows) {
      double& l = largest[sweep_.rows().text(*row, "model")];
      l = std::max(l, y(*row));
    }
    std::map<std::string, Unit> units;
    for (const auto& [model, value] : largest) units.emplace(model, pick(value));
    return units;
  }

  void save(const std::string& name, const std::string& data, const std::string& script) {
    write_file_atomically(dir_ + "/" + name + ".dat", data);
    write_file_atomically(dir_ + "/" + name + ".gp", script);
    scripts_.push_back(name + ".gp");
  }

  std::string dir_;
  const Sweep& sweep_;
  std::vector<std::string> scripts_;
};

}  // namespace

std::vector<std::string> write_plots(const std::string& plots_dir, SweepResults results) {
  if (results.rows.empty())
    throw InputError("sweep plots: the results have no rows, expected a finished sweep");
  // Infeasible points (the model does not fit the chip) have no figures to draw.
  results.rows.erase(std::remove_if(results.rows.begin(), results.rows.end(),
                                    [&](const SweepRow& row) { return !feasible(results.columns, row); }),
                     results.rows.end());
  if (results.rows.empty()) {
    throw InputError(
        "sweep plots: no point is feasible (no model fits its chip), expected at least one to draw");
  }
  std::error_code ec;
  std::filesystem::create_directories(plots_dir, ec);
  if (ec) throw RunError(fmt::format("{}: cannot create the plots directory: {}", plots_dir, ec.message()));

  const Sweep sweep(results);
  const Rows& rows = sweep.rows();
  PlotWriter writer(plots_dir, sweep);
  writer.by_context(
      "energy_vs_context", "Decode energy per token vs context", "decode energy per token", false,
      [&](const SweepRow& r) { return rows.number(r, "decode_energy_j"); },
      [](double largest) { return si_unit(largest, "J"); });
  // MQA's cache is 1/16 of QKV's: a linear axis flattens it.
  writer.by_context(
      "kv_memory_vs_context", "KV-cache memory vs context", "KV cache", true,
      [&](const SweepRow& r) { return rows.number(r, "kv_cache_bytes"); }, byte_unit);
  writer.latency_vs_energy();
  writer.energy_breakdown();
  return writer.scripts();
}

}  // namespace neurokv::sweep
