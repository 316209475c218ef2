#include "simulator/noc/systemc_clock.hpp"

#include <cstdlib>
#include <exception>
#include <systemc>

#include "compiler/support/error.hpp"

namespace neurokv::noc {
namespace {

class MeshClock : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(MeshClock);
  MeshClock(const sc_core::sc_module_name& name, const NocParams& params,
            const std::vector<SyntheticOptions>& points, double clock_hz, SystemcRun& out)
      : sc_core::sc_module(name),
        params_(params),
        points_(points),
        period_(1e12 / clock_hz, sc_core::SC_PS),
        out_(out) {
    SC_THREAD(run);
  }

  std::exception_ptr failure;  // an error inside the thread, rethrown after the kernel stops

 private:
  void run() {
    try {
      for (const SyntheticOptions& options : points_)
        out_.results.push_back(run_synthetic(params_, options, [this] { wait(period_); }));
    } catch (...) {
      failure = std::current_exception();
    }
    sc_core::sc_stop();
  }

  const NocParams& params_;
  const std::vector<SyntheticOptions>& points_;
  sc_core::sc_time period_;
  SystemcRun& out_;
};

}  // namespace

SystemcRun run_synthetic_systemc(const NocParams& params, const std::vector<SyntheticOptions>& points,
                                 double clock_hz) {
  static bool ran = false;
  if (ran) throw RunError("noc: SystemC's kernel already ran in this process; it cannot run twice");
  ran = true;
  if (!(clock_hz > 0)) throw InputError("noc: clock is not positive, expected a clock in Hz");
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);  // the banner would go to stdout
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  SystemcRun out;
  MeshClock clock("noc_clock", params, points, clock_hz, out);
  sc_core::sc_start();
  if (clock.failure) std::rethrow_exception(clock.failure);
  out.simulated_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  return out;
}

}  // namespace neurokv::noc
