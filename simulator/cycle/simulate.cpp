#include "simulator/cycle/simulate.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <systemc>

#include "compiler/support/error.hpp"
#include "simulator/cycle/chip.hpp"
#include "simulator/cycle/chrome_trace.hpp"
#include "simulator/cycle/result_wire.hpp"
#include "simulator/cycle/sequencer.hpp"

// libsystemc's main() calls sc_main, so the symbol must exist; neurokv never uses that main: simulations
// start the kernel directly, in a child process (simulate() below).
extern "C" int sc_main(int, char*[]) { return 1; }

namespace neurokv {
namespace {

// The child's message: one status byte, the payload's length, the payload (an encoded result or an error
// text).
enum class Status : uint8_t { Ok = 0, InputError = 1, RunError = 2 };

void write_all(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent has gone; nothing left to tell
    p += n;
    size -= static_cast<size_t>(n);
  }
}

bool read_all(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void check(const ir::Program& program, const HwConfig& hw, const SimOptions& options) {
  if (options.prompt < 0)
    throw InputError(fmt::format("the prompt must be 0 or more tokens, not {}", options.prompt));
  if (options.tokens < 1) throw InputError(fmt::format("decode at least 1 token, not {}", options.tokens));
  if (options.prompt + options.tokens > program.context) {
    throw InputError(fmt::format(
        "prompt {} + {} decode tokens exceed the {} tokens the program's KV cache was planned for",
        options.prompt, options.tokens, program.context));
  }
  if (options.prompt > 0 && program.prefill.empty()) throw InputError("the program has no prefill schedule");
  if (program.decode.empty()) throw InputError("the program has no decode schedule");
  if (hw.clock_hz <= 0) throw InputError(fmt::format("chip {}: the clock must be positive", hw.name));
}

// Elaborates the chip, runs the schedule and writes the traces. Runs in the child only.
SimulationResult run_kernel(const ir::Program& program, const HwConfig& hw, const SimOptions& options) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
  sc_core::sc_set_time_resolution(1, sc_core::SC_FS);
  ir::Program realised = program;
  cycle::SimContext ctx(realised, hw);
  std::unique_ptr<cycle::ChromeTrace> trace;
  if (!options.trace_path.empty()) {
    trace = std::make_unique<cycle::ChromeTrace>(hw.clock_hz);
    ctx.trace = trace.get();
  }
  cycle::Chip chip("chip", ctx);
  cycle::Sequencer sequencer("sequencer", ctx, chip, program, realised, options);
  sc_core::sc_trace_file* vcd = nullptr;
  const std::string vcd_temp = options.vcd_path + ".tmp";  // SystemC appends ".vcd"
  if (!options.vcd_path.empty()) {
    vcd = sc_core::sc_create_vcd_trace_file(vcd_temp.c_str());
    vcd->set_time_unit(1, sc_core::SC_PS);
    chip.trace(vcd);
  }
  sc_core::sc_start();
  if (vcd) {
    sc_core::sc_close_vcd_trace_file(vcd);
    if (std::rename((vcd_temp + ".vcd").c_str(), options.vcd_path.c_str()) != 0) {
      throw RunError(fmt::format("{}: cannot write the VCD", options.vcd_path));
    }
  }
  if (trace) trace->write(options.trace_path);
  return sequencer.result();
}

[[noreturn]] void child(int fd, const ir::Program& program, const HwConfig& hw, const SimOptions& options) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  Status status = Status::Ok;
  std::string payload;
  try {
    payload = cycle::encode(run_kernel(program, hw, options));
  } catch (const InputError& e) {
    status = Status::InputError;
    payload = e.what();
  } catch (const std::exception& e) {
    status = Status::RunError;
    payload = e.what();
  }
  const uint64_t size = payload.size();
  write_all(fd, &status, sizeof status);
  write_all(fd, &size, sizeof size);
  write_all(fd, payload.data(), payload.size());
  ::_exit(0);  // skip the parent's atexit handlers and static destructors
}

}  // namespace

SimulationResult simulate(const ir::Program& program, const HwConfig& hw, const SimOptions& options) {
  check(program, hw, options);
  int fds[2];
  pid_t pid = 0;
  {
    // A child forked by another thread between this pipe() and the close of its write end below would keep
    // that write end open, and this call's read would see no EOF until that child exits. One fork at a time:
    // every pipe is either not yet created or already half-closed in the parent when any other call forks.
    static std::mutex fork_mutex;
    const std::lock_guard<std::mutex> lock(fork_mutex);
    if (::pipe(fds) != 0) throw RunError(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    pid = ::fork();
    if (pid < 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      throw RunError(fmt::format("cannot fork the simulation process: {}", std::strerror(errno)));
    }
    if (pid == 0) {
      ::close(fds[0]);
      child(fds[1], program, hw, options);
    }
    ::close(fds[1]);
  }
  // Read the framed message before reaping, so a large result cannot block the child on a full pipe.
  Status status{};
  uint64_t size = 0;
  std::string payload;
  bool complete = read_all(fds[0], &status, sizeof status) && read_all(fds[0], &size, sizeof size);
  if (complete) {
    payload.resize(size);
    complete = read_all(fds[0], payload.data(), size);
  }
  ::close(fds[0]);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!complete) {
    if (WIFSIGNALED(wstatus)) {
      throw RunError(fmt::format("the simulation process died of signal {} ({})", WTERMSIG(wstatus),
                                 strsignal(WTERMSIG(wstatus))));
    }
    throw RunError("the simulation process ended without a result");
  }
  if (status == Status::InputError) throw InputError(payload);
  if (status == Status::RunError) throw RunError(payload);
  return cycle::decode(payload);
}

}  // namespace neurokv
