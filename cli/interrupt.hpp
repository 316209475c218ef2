#pragma once
// What SIGINT (Ctrl-C) and SIGTERM (a scheduler's time limit) do. Every command: kill and reap the
// simulation children, remove the temporary files being written, say so, exit 128 + the signal (130, 143).
// A sweep stops taking points instead, journals the ones done and prints how to resume; a second signal
// exits at once, as above.
#include <atomic>
#include <stdexcept>
#include <string>

namespace neurokv::cli {

// Installs the exit-at-once handlers; main() calls it first.
void exit_on_interrupt();

// Until the returned guard is destroyed: the first SIGINT or SIGTERM sets `stop` (and kills simulation
// children so in-flight transaction-fidelity points end now; they are rerun on resume), and records the
// signal for interrupted().
class StopOnInterrupt {
 public:
  explicit StopOnInterrupt(std::atomic<bool>& stop);
  StopOnInterrupt(const StopOnInterrupt&) = delete;
  StopOnInterrupt& operator=(const StopOnInterrupt&) = delete;
  ~StopOnInterrupt();
  int signal() const;  // the signal that stopped the run, or 0
};

// Thrown when a signal stopped a command that then cleaned up; main() exits 128 + signal().
class Interrupted : public std::runtime_error {
 public:
  Interrupted(int signal, const std::string& message) : std::runtime_error(message), signal_(signal) {}
  int signal() const { return signal_; }

 private:
  int signal_;
};

}  // namespace neurokv::cli
