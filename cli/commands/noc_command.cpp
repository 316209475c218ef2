#include "cli/commands/noc_command.hpp"

#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli/gnuplot.hpp"
#include "cli/output.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/support/cores.hpp"
#include "compiler/support/error.hpp"
#include "simulator/noc/load_curve.hpp"
#include "simulator/noc/synthetic_run.hpp"
#include "simulator/noc/systemc_clock.hpp"
#include "study/data_dir.hpp"

namespace neurokv::cli {
namespace {

struct NocFlags {
  std::string hw;
  std::string mesh = "8x8";
  std::string traffic = "uniform";
  double rate = 0;
  std::string rates;  // a:b:step
  noc::NocParams params;
  noc::SyntheticOptions options;
  std::string json;
  std::string plots;
  bool systemc = false;
  int jobs = static_cast<int>(cores());  // --rates: the runs side by side
  double clock_hz = 1e9;                 // the chip's with --hw: SystemC time per simulated cycle
};

// "a:b:step" → the rates, or an InputError naming --rates and the form expected.
std::vector<double> parse_rates(const std::string& text) {
  static const std::regex form(R"(^\s*([0-9.eE+-]+):([0-9.eE+-]+):([0-9.eE+-]+)\s*$)");
  std::smatch m;
  double first = 0, last = 0, step = 0;
  try {
    if (!std::regex_match(text, m, form)) throw std::invalid_argument("form");
    size_t used = 0;
    for (auto [value, i] : {std::pair<double*, int>{&first, 1}, {&last, 2}, {&step, 3}}) {
      *value = std::stod(m[i].str(), &used);
      if (used != m[i].str().size()) throw std::invalid_argument("number");
    }
  } catch (const std::logic_error&) {
    throw InputError(fmt::format("--rates: '{}' is not first:last:step; expected e.g. 0.05:0.5:0.05", text));
  }
  return noc::rate_steps("--rates", first, last, step);
}

std::string describe(const NocFlags& flags) {
  return fmt::format(
      "{}{}x{} mesh, {} VCs x {}-flit buffers, {}-cycle hops, {} traffic, {}-flit packets, seed {}",
      flags.hw.empty() ? "" : flags.hw + ": ", flags.params.cols, flags.params.rows, flags.params.vcs,
      flags.params.buffer_flits, flags.params.pipeline_cycles, flags.traffic, flags.options.packet_flits,
      flags.options.seed);
}

nlohmann::json point_json(const noc::LoadPoint& p) {
  const noc::SyntheticResult& r = p.result;
  return {{"rate", p.rate},
          {"offered_flits_per_node_cycle", r.offered},
          {"accepted_flits_per_node_cycle", r.accepted},
          {"mean_latency_cycles", r.mean_latency},
          {"zero_load_latency_cycles", r.mean_zero_load},
          {"measured_packets", r.measured_packets},
          {"packets", r.packets},
          {"flits", r.flits},
          {"flit_hops", r.flit_hops},
          {"cycles", r.cycles}};
}

// The figures as a terminal table.
void print_table(const NocFlags& flags, const std::vector<noc::LoadPoint>& points) {
  fmt::print("noc: {}\n", describe(flags));
  fmt::print("{:>8} {:>9} {:>9} {:>13} {:>10} {:>9}\n", "rate", "offered", "accepted", "latency", "zero-load",
             "packets");
  for (const noc::LoadPoint& p : points)
    fmt::print("{:>8.4f} {:>9.4f} {:>9.4f} {:>13.2f} {:>10.2f} {:>9}\n", p.rate, p.result.offered,
               p.result.accepted, p.result.mean_latency, p.result.mean_zero_load, p.result.measured_packets);
  fmt::print(
      "(load in flits/node/cycle, latency in cycles from creation to the tail's arrival, over packets\n"
      " created in the {} measured cycles after {} warm-up cycles)\n",
      flags.options.measure_cycles, flags.options.warmup_cycles);
}

// The NoC to run: the chip's (--hw) or the defaults, then every router flag given on the command line.
noc::NocParams params_of(NocFlags& flags, const CLI::App& command) {
  noc::NocParams params;
  if (!flags.hw.empty()) {
    const HwConfig hw = load_hw(flags.hw, study::data_dir("hwconfigs"));
    params = noc::noc_params(hw);
    flags.clock_hz = hw.clock_hz;
  }
  const auto given = [&](const char* name) { return command.get_option(name)->count() > 0; };
  if (flags.hw.empty() || given("--mesh")) {
    static const std::regex mesh_form(R"(^([0-9]{1,3})x([0-9]{1,3})$)");
    std::smatch m;
    if (!std::regex_match(flags.mesh, m, mesh_form))
      throw InputError(fmt::format("--mesh: '{}' is not COLSxROWS; expected e.g. 8x8", flags.mesh));
    params.cols = std::stoi(m[1].str());
    params.rows = std::stoi(m[2].str());
    if (params.cols < 1 || params.rows < 1 || params.cols > 256 || params.rows > 256)
      throw InputError(fmt::format("--mesh: '{}' expected 1 to 256 columns and rows", flags.mesh));
  }
  if (flags.hw.empty() || given("--vcs")) params.vcs = flags.params.vcs;
  if (flags.hw.empty() || given("--buffer-flits")) params.buffer_flits = flags.params.buffer_flits;
  if (flags.hw.empty() || given("--pipeline")) params.pipeline_cycles = flags.params.pipeline_cycles;
  noc::check(params);
  return params;
}

void run(NocFlags flags, const CLI::App& command) {
  flags.params = params_of(flags, command);
  flags.options.traffic = *noc::traffic_named(flags.traffic);  // checked by --traffic's validator
  if (flags.options.traffic == noc::Traffic::Transpose && flags.params.cols != flags.params.rows)
    throw InputError(
        fmt::format("--traffic transpose: the mesh is {}x{}; expected a square mesh (--mesh NxN)",
                    flags.params.cols, flags.params.rows));

  const std::vector<double> rates =
      flags.rates.empty() ? std::vector<double>{flags.rate} : parse_rates(flags.rates);
  std::vector<noc::LoadPoint> points;
  if (flags.systemc) {
    std::vector<noc::SyntheticOptions> runs;
    for (double rate : rates) {
      runs.push_back(flags.options);
      runs.back().rate = rate;
    }
    const noc::SystemcRun run = noc::run_synthetic_systemc(flags.params, runs, flags.clock_hz);
    for (size_t i = 0; i < runs.size(); ++i) points.push_back({runs[i].rate, run.results[i]});
    fmt::print(stderr,
               "neurokv: note: one SystemC SC_THREAD drove the mesh: {:.0f} ns of SystemC time at {} GHz\n",
               run.simulated_ns, flags.clock_hz / 1e9);
  } else {
    points = noc::run_load_curve(flags.params, flags.options, rates, static_cast<size_t>(flags.jobs));
  }

  if (flags.json != "-") print_table(flags, points);  // stdout holds the JSON alone
  if (!flags.json.empty()) {
    nlohmann::json out = {{"schema", "neurokv.noc/1"},
                          {"hw", flags.hw.empty() ? nlohmann::json() : nlohmann::json(flags.hw)},
                          {"mesh", {{"cols", flags.params.cols}, {"rows", flags.params.rows}}},
                          {"vcs", flags.params.vcs},
                          {"buffer_flits", flags.params.buffer_flits},
                          {"pipeline_cycles", flags.params.pipeline_cycles},
                          {"traffic", flags.traffic},
                          {"packet_flits", flags.options.packet_flits},
                          {"warmup_cycles", flags.options.warmup_cycles},
                          {"measure_cycles", flags.options.measure_cycles},
                          {"seed", flags.options.seed},
                          {"points", nlohmann::json::array()}};
    if (flags.options.traffic == noc::Traffic::Hotspot)
      out["hotspot_fraction"] = flags.options.hotspot_fraction;
    for (const noc::LoadPoint& p : points) out["points"].push_back(point_json(p));
    write_output(flags.json, out.dump(2) + "\n");
  }
  if (!flags.plots.empty()) {
    const std::string script = noc::write_load_curve(flags.plots, describe(flags), points);
    if (run_gnuplot(flags.plots, {script}))
      fmt::print(stderr, "neurokv: plot in {}/ (SVG and PNG)\n", flags.plots);
  }
}

}  // namespace

void add_noc_command(CLI::App& app) {
  auto flags = std::make_shared<NocFlags>();
  CLI::App* command = app.add_subcommand(
      "noc", "synthetic traffic on the flit-level mesh NoC: mean packet latency and accepted throughput");
  command->add_option(
      "--hw", flags->hw,
      "chip name or YAML: its mesh, noc.vcs, noc.buffer_flits and noc.hop_latency_cycles (the flags "
      "below override them)");
  command->add_option("--mesh", flags->mesh, "COLSxROWS")->capture_default_str();
  command->add_option("--traffic", flags->traffic, noc::kTrafficNames)
      ->capture_default_str()
      ->check(CLI::Validator(
          [](const std::string& name) {
            return noc::traffic_named(name)
                       ? std::string()
                       : fmt::format("'{}' is no traffic pattern, expected {}", name, noc::kTrafficNames);
          },
          "PATTERN"));
  CLI::Option* rate =
      command->add_option("--rate", flags->rate, "offered load, flits per node per cycle, in (0, 1]")
          ->check(CLI::Range(1e-9, 1.0));
  CLI::Option* rates =
      command
          ->add_option("--rates", flags->rates, "first:last:step: the latency–load curve, one run per rate")
          ->excludes(rate);
  command->add_option("--packet-flits", flags->options.packet_flits, "flits per packet")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 16));
  command->add_option("--vcs", flags->params.vcs, "virtual channels per input port")
      ->capture_default_str()
      ->check(CLI::Range(1, noc::kMaxVcs));
  command
      ->add_option("--buffer-flits", flags->params.buffer_flits, "flits each virtual channel's buffer holds")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 16));
  command
      ->add_option("--pipeline", flags->params.pipeline_cycles, "cycles per hop at zero load (router + link)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  command->add_option("--cycles", flags->options.measure_cycles, "measured cycles")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  command->add_option("--warmup", flags->options.warmup_cycles, "warm-up cycles before the measurement")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  command->add_option("--seed", flags->options.seed, "seed of the traffic draws")->capture_default_str();
  command
      ->add_option("--hotspot-fraction", flags->options.hotspot_fraction,
                   "hotspot traffic: share of packets sent to node (cols/2, rows/2)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  command->add_flag(
      "--systemc", flags->systemc,
      "drive the mesh's cycle loop from one SystemC SC_THREAD (the same figures; measures its cost)");
  CLI::Option* jobs =
      command
          ->add_option("-j,--jobs", flags->jobs,
                       "with --rates: runs side by side (default: the cores this process may run on)")
          ->check(CLI::Range(1, 1024))
          ->needs(rates);
  command->get_option("--systemc")->excludes(jobs);
  command->add_option("--json", flags->json, "write the figures as JSON (\"-\": stdout)");
  command
      ->add_option("--plots", flags->plots,
                   "with --rates: write the gnuplot data and script here and draw them")
      ->needs(rates);
  command->callback([flags, rate, rates, command] {
    if (rate->count() == 0 && rates->count() == 0)
      throw InputError(
          "--rate or --rates is required; expected --rate R (flits/node/cycle) or --rates first:last:step");
    run(*flags, *command);
  });
}

}  // namespace neurokv::cli
