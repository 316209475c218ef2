#include "cli/interrupt.hpp"

#include <unistd.h>

#include <csignal>
#include <cstring>

#include "compiler/support/whole_file.hpp"
#include "simulator/transaction/simulate.hpp"

namespace neurokv::cli {
namespace {

std::atomic<bool>* g_stop = nullptr;
std::atomic<int> g_signal{0};

// Async-signal-safe only: no allocation, no stdio.
extern "C" void exit_now(int signal) {
  kill_simulations();
  remove_unfinished_files();
  const char* text = signal == SIGINT ? "neurokv: interrupted by SIGINT; unfinished output files removed\n"
                                      : "neurokv: interrupted by SIGTERM; unfinished output files removed\n";
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, text, std::strlen(text));
  ::_exit(128 + signal);
}

void install(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

extern "C" void request_stop(int signal) {
  if (g_signal.exchange(signal) != 0) exit_now(signal);  // the second one
  if (g_stop) g_stop->store(true);
  kill_simulations();
}

}  // namespace

void exit_on_interrupt() {
  install(exit_now);
  // Writing past `ulimit -f` (RLIMIT_FSIZE) then fails with EFBIG, reported with the file's name, instead of
  // killing the process with no word.
  std::signal(SIGXFSZ, SIG_IGN);
}

StopOnInterrupt::StopOnInterrupt(std::atomic<bool>& stop) {
  g_stop = &stop;
  install(request_stop);
}

StopOnInterrupt::~StopOnInterrupt() {
  install(exit_now);
  g_stop = nullptr;
}

int StopOnInterrupt::signal() const { return g_signal.load(); }

}  // namespace neurokv::cli
