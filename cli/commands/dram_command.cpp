#include "cli/commands/dram_command.hpp"

#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "compiler/support/error.hpp"
#include "simulator/dram/device.hpp"
#include "simulator/dram/traffic.hpp"

namespace neurokv::cli {
namespace {

struct DramOptions {
  std::string device = "lpddr4-3200";
  std::string pattern = "sequential";
  dram::TrafficSpec traffic;
  dram::ControllerConfig controller;
  std::string json_path;
};

nlohmann::json dram_json(const DramOptions& o, const dram::Device& d, const dram::TrafficResult& r) {
  const dram::Stats& s = r.stats;
  nlohmann::json commands = nlohmann::json::object();
  for (const dram::Command c : dram::kCommands) commands[dram::command_name(c)] = s.count(c);
  return {{"schema", "neurokv.dram/1"},
          {"fidelity", "cycle"},
          {"device", d.name},
          {"device_source", d.source},
          {"channels", o.controller.channels},
          {"pattern", o.pattern},
          {"requests", s.requests},
          {"bytes_per_request", o.traffic.bytes},
          {"gap_cycles", o.traffic.gap_cycles},
          {"write_fraction", o.traffic.write_fraction},
          {"seed", o.traffic.seed},
          {"queue_depth", o.controller.queue_depth},
          {"bypass_cap", o.controller.bypass_cap},
          {"tck_ps", d.tck_ps},
          {"cycles", s.end_cycle},
          {"seconds", r.seconds},
          {"bytes_per_s", r.bytes_per_s},
          {"peak_bytes_per_s", r.peak_bytes_per_s},
          {"fraction_of_peak", r.bytes_per_s / r.peak_bytes_per_s},
          {"bursts", s.bursts},
          {"row_hits", s.row_hits},
          {"row_misses", s.row_misses},
          {"row_conflicts", s.row_conflicts},
          {"row_hit_rate", s.row_hit_rate()},
          {"commands", commands},
          {"bytes_read", s.bytes_read},
          {"bytes_written", s.bytes_written},
          {"data_bus_busy_cycles", s.busy_cycles},
          {"average_latency_cycles", s.average_latency()},
          {"max_latency_cycles", s.max_latency},
          {"max_bypassed", s.max_bypassed}};
}

std::string dram_text(const DramOptions& o, const dram::Device& d, const dram::TrafficResult& r) {
  const dram::Stats& s = r.stats;
  const double ns_per_cycle = d.tck_ps * 1e-3;
  std::string commands;
  for (const dram::Command c : dram::kCommands) {
    commands += fmt::format("{}{} {}", commands.empty() ? "" : ", ", dram::command_name(c), s.count(c));
  }
  return fmt::format(
      "DRAM {} x {} channel(s), {} pattern, {} requests of {} B (cycle fidelity: DRAM command model)\n"
      "bandwidth   {:.3f} GB/s of {:.3f} GB/s peak ({:.1f} %)\n"
      "latency     average {:.1f} cycles ({:.1f} ns), max {} cycles ({:.1f} ns); tCK {} ps\n"
      "row buffer  {} bursts: {} hits ({:.1f} %), {} misses, {} conflicts\n"
      "commands    {}\n"
      "simulated   {} cycles ({:.3f} us)\n",
      d.name, o.controller.channels, o.pattern, s.requests, o.traffic.bytes, r.bytes_per_s * 1e-9,
      r.peak_bytes_per_s * 1e-9, 100.0 * r.bytes_per_s / r.peak_bytes_per_s, s.average_latency(),
      s.average_latency() * ns_per_cycle, s.max_latency, static_cast<double>(s.max_latency) * ns_per_cycle,
      d.tck_ps, s.bursts, s.row_hits, 100.0 * s.row_hit_rate(), s.row_misses, s.row_conflicts, commands,
      s.end_cycle, r.seconds * 1e6);
}

// Runs `read`, naming `flag` in front of an InputError it throws.
template <typename Read>
decltype(auto) with_flag(const char* flag, Read read) {
  try {
    return read();
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", flag, e.what()));
  }
}

}  // namespace

void add_dram_command(CLI::App& app) {
  auto o = std::make_shared<DramOptions>();
  o->traffic.requests = 10000;
  CLI::App* command = app.add_subcommand(
      "dram",
      "drive the DRAM command model (LPDDR4/4X/5 banks, FR-FCFS, refresh) with a synthetic request stream; "
      "prints bandwidth, latency and row-buffer hit rate");
  command
      ->add_option("--device", o->device,
                   "DRAM device: " + fmt::format("{}", fmt::join(dram::device_names(), ", ")))
      ->capture_default_str();
  command->add_option("--pattern", o->pattern, "sequential, random or stride:N (N bytes between requests)")
      ->capture_default_str();
  command->add_option("--requests", o->traffic.requests, "number of requests")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 32))
      ->capture_default_str();
  command->add_option("--bytes", o->traffic.bytes, "bytes per request")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30))
      ->capture_default_str();
  command
      ->add_option("--gap", o->traffic.gap_cycles,
                   "DRAM cycles between request issues (0: all at cycle 0, a saturating stream)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40))
      ->capture_default_str();
  command->add_option("--writes", o->traffic.write_fraction, "fraction of requests that write")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command->add_option("--seed", o->traffic.seed, "seed of the random pattern and of the read/write draw")
      ->capture_default_str();
  command->add_option("--channels", o->controller.channels, "channels, interleaved every 256 B")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command->add_option("--queue-depth", o->controller.queue_depth, "bursts each channel controller holds")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  command
      ->add_option("--bypass-cap", o->controller.bypass_cap,
                   "row hits FR-FCFS may serve ahead of an older request waiting for another row")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30))
      ->capture_default_str();
  command->add_option("--json", o->json_path, "write the result as JSON to FILE ('-' = stdout)");
  command->callback([o] {
    const dram::Device& device =
        with_flag("--device", [&]() -> const dram::Device& { return dram::find_device(o->device); });
    with_flag("--pattern", [&] { dram::parse_pattern(o->pattern, o->traffic); });
    const dram::TrafficResult result = dram::run_traffic(device, o->controller, o->traffic);
    if (o->json_path != "-") fmt::print("{}", dram_text(*o, device, result));
    if (!o->json_path.empty()) write_output(o->json_path, dram_json(*o, device, result).dump(2) + "\n");
  });
}

}  // namespace neurokv::cli
