#include "simulator/transaction/simulate.hpp"

#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <systemc>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "simulator/transaction/chip.hpp"
#include "simulator/transaction/chrome_trace.hpp"
#include "simulator/transaction/fresh_heap.hpp"
#include "simulator/transaction/result_wire.hpp"
#include "simulator/transaction/sequencer.hpp"

// libsystemc's main() calls sc_main, so the symbol must exist; neurokv never uses that main: simulations
// start the kernel directly, in a child process (simulate() below).
extern "C" int sc_main(int, char*[]) { return 1; }

namespace neurokv {
namespace {

// The child's message: one status byte, the payload's length, the payload (an encoded result or an error
// text).
enum class Status : uint8_t { Ok = 0, InputError = 1, RunError = 2 };

std::atomic<unsigned> g_simulations{0};  // makes each call's temporary VCD name unique

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

// Sends the child's message to the parent and ends the child. `trace_json`: the Chrome trace (the parent
// writes every output file, so a signal that ends the parent can remove what is unfinished).
[[noreturn]] void reply(int fd, Status status, const std::string& payload, const std::string& trace_json) {
  const uint64_t size = payload.size();
  write_all(fd, &status, sizeof status);
  write_all(fd, &size, sizeof size);
  write_all(fd, payload.data(), payload.size());
  const uint64_t trace_size = trace_json.size();
  write_all(fd, &trace_size, sizeof trace_size);
  write_all(fd, trace_json.data(), trace_json.size());
  ::_exit(0);  // skip the parent's atexit handlers and static destructors
}

// Elaborates the chip, runs the schedule and replies with the result on `fd`; the VCD goes to
// `vcd_base`.vcd. Runs in the child only. It replies while the chip still stands: taking apart its modules,
// threads and route plans (a few percent of the main job's CPU) would free memory the child's exit frees
// anyway.
[[noreturn]] void run_kernel(int fd, const ir::Program& program, const HwConfig& hw,
                             const SimOptions& options, const std::string& vcd_base,
                             const FabricBuilder& fabric) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
  sc_core::sc_set_time_resolution(1, sc_core::SC_FS);
  // This process's memory is its own copy of the parent's (fork), which the parent never sees: each phase's
  // densities are realised in the program in place, not in a copy of it (the Sequencer keeps the planned
  // ones), as copying thousands of tiles' vectors was a tenth of the main job's page faults.
  ir::Program& realised = const_cast<ir::Program&>(program);
  transaction::SimContext ctx(realised, hw);
  std::unique_ptr<transaction::ChromeTrace> trace;
  if (!options.trace_path.empty()) {
    trace = std::make_unique<transaction::ChromeTrace>(hw.clock_hz);
    ctx.trace = trace.get();
  }
  const std::unique_ptr<FabricModel> model = fabric ? fabric(ctx) : nullptr;
  transaction::Chip chip("chip", ctx, model ? model->fabric() : transaction::Fabric{});
  if (model) model->connect(chip);
  transaction::Sequencer sequencer("sequencer", ctx, chip, realised, options);
  sc_core::sc_trace_file* vcd = nullptr;
  if (!options.vcd_path.empty()) {
    vcd = sc_core::sc_create_vcd_trace_file(vcd_base.c_str());  // SystemC appends ".vcd"
    vcd->set_time_unit(1, sc_core::SC_PS);
    chip.trace_signals(vcd);
  }
  sc_core::sc_start();
  if (vcd) sc_core::sc_close_vcd_trace_file(vcd);
  SimulationResult result = sequencer.result();
  if (model) result.fabric = model->counts();
  reply(fd, Status::Ok, transaction::encode(result), trace ? trace->json() : std::string());
}

[[noreturn]] void child(int fd, const ir::Program& program, const HwConfig& hw, const SimOptions& options,
                        const std::string& vcd_base, const FabricBuilder& fabric, pid_t parent) {
  // Dies with its parent, even one killed by SIGKILL, rather than simulate on for nobody.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);  // the parent died before prctl
  // The parent's handlers would act on its state (its other children, its files): a signal just ends the
  // child.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  transaction::use_fresh_heap();
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  try {
    run_kernel(fd, program, hw, options, vcd_base, fabric);
  } catch (const InputError& e) {
    reply(fd, Status::InputError, e.what(), {});
  } catch (const std::exception& e) {
    reply(fd, Status::RunError, e.what(), {});
  }
}

// The children running now, for kill_simulations(): lock-free slots a signal handler may read.
std::atomic<pid_t> g_children[256];

struct ChildSlot {
  explicit ChildSlot(pid_t pid) {
    for (std::atomic<pid_t>& c : g_children) {
      pid_t none = 0;
      if (c.compare_exchange_strong(none, pid)) {
        slot = &c;
        return;
      }
    }
  }
  ~ChildSlot() {
    if (slot) slot->store(0);
  }
  std::atomic<pid_t>* slot = nullptr;
};

bool read_frame(int fd, std::string& out) {
  uint64_t size = 0;
  if (!read_all(fd, &size, sizeof size)) return false;
  out.resize(size);
  return read_all(fd, out.data(), size);
}

}  // namespace

void kill_simulations() noexcept {
  for (std::atomic<pid_t>& c : g_children) {
    const pid_t pid = c.exchange(0);
    if (pid > 0 && ::kill(pid, SIGKILL) == 0) ::waitpid(pid, nullptr, 0);
  }
}

SimulationResult simulate(const ir::Program& program, const HwConfig& hw, const SimOptions& options,
                          const FabricBuilder& fabric) {
  check(program, hw, options);
  // The VCD is streamed by SystemC to a temporary name, which a signal removes, and renamed here when whole.
  const std::string vcd_base = fmt::format("{}.tmp.{}.{}", options.vcd_path, ::getpid(), ++g_simulations);
  const std::string vcd_temp = vcd_base + ".vcd";
  std::optional<UnfinishedFile> vcd_unfinished;
  if (!options.vcd_path.empty()) vcd_unfinished.emplace(vcd_temp);
  transaction::prepare_fresh_heaps();
  int fds[2];
  pid_t pid = 0;
  {
    // A child forked by another thread between this pipe() and the close of its write end below would keep
    // that write end open, and this call's read would see no EOF until that child exits. One fork at a time:
    // every pipe is either not yet created or already half-closed in the parent when any other call forks.
    static std::mutex fork_mutex;
    const std::lock_guard<std::mutex> lock(fork_mutex);
    if (::pipe(fds) != 0) throw RunError(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    const pid_t parent = ::getpid();
    pid = ::fork();
    if (pid < 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      throw RunError(fmt::format("cannot fork the simulation process: {}", std::strerror(errno)));
    }
    if (pid == 0) {
      ::close(fds[0]);
      child(fds[1], program, hw, options, vcd_base, fabric, parent);
    }
    ::close(fds[1]);
  }
  const ChildSlot registered(pid);
  // Read the framed message before reaping, so a large result cannot block the child on a full pipe.
  Status status{};
  std::string payload, trace_json;
  const bool complete = read_all(fds[0], &status, sizeof status) && read_frame(fds[0], payload) &&
                        read_frame(fds[0], trace_json);
  ::close(fds[0]);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  std::error_code ec;
  if (!complete || status != Status::Ok) std::filesystem::remove(vcd_temp, ec);
  if (!complete) {
    if (WIFSIGNALED(wstatus)) {
      throw RunError(fmt::format("the simulation process died of signal {} ({})", WTERMSIG(wstatus),
                                 strsignal(WTERMSIG(wstatus))));
    }
    throw RunError("the simulation process ended without a result");
  }
  if (status == Status::InputError) throw InputError(payload);
  if (status == Status::RunError) throw RunError(payload);
  if (!options.vcd_path.empty() && std::rename(vcd_temp.c_str(), options.vcd_path.c_str()) != 0) {
    const int error = errno;
    std::filesystem::remove(vcd_temp, ec);
    throw RunError(fmt::format("{}: cannot write the VCD ({})", options.vcd_path, std::strerror(error)));
  }
  if (!options.trace_path.empty()) write_file_atomically(options.trace_path, trace_json);
  return transaction::decode(payload);
}

}  // namespace neurokv
