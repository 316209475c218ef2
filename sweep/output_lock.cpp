#include "sweep/output_lock.hpp"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "compiler/support/error.hpp"

namespace neurokv::sweep {
namespace {

std::string holder_text() {
  char host[256] = "?";
  gethostname(host, sizeof host - 1);
  return fmt::format("pid={} started={:%Y-%m-%d %H:%M:%S} UTC host={}\n", getpid(),
                     fmt::gmtime(std::time(nullptr)), host);
}

// "PID 123 (started 2026-11-30 09:00:00 UTC on host)" from a lock file's text, or "" if it names no one.
std::string describe(const std::string& text) {
  const auto field = [&](const std::string& key, const std::string& until) {
    const std::size_t at = text.find(key + "=");
    if (at == std::string::npos) return std::string();
    const std::size_t begin = at + key.size() + 1;
    return text.substr(begin, text.find(until, begin) - begin);
  };
  const std::string pid = field("pid", " ");
  if (pid.empty()) return "";
  return fmt::format("PID {} (started {} on {})", pid, field("started", " host="), field("host", "\n"));
}

std::string read_fd(int fd) {
  std::string text;
  char chunk[512];
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(fd, chunk, sizeof chunk, at);
    if (n <= 0 || text.size() > 4096) return text;
    text.append(chunk, static_cast<std::size_t>(n));
    at += n;
  }
}

}  // namespace

OutputLock::OutputLock(const std::string& dir, Diagnostics& diagnostics) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create the output directory: {}", dir, ec.message()));
  const std::string path = dir + "/.neurokv.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw InputError(fmt::format("{}: cannot open the lock file ({}), expected a writable --out directory",
                                 path, std::strerror(errno)));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string holder = describe(read_fd(fd_));
    ::close(fd_);
    if (error != EWOULDBLOCK) {
      throw RunError(fmt::format("{}: cannot lock the output directory: {}", path, std::strerror(error)));
    }
    throw InputError(fmt::format(
        "{}: another neurokv is writing to this directory: {}, expected one run per --out directory (wait "
        "for it to finish, or choose another --out)",
        dir, holder.empty() ? "its PID is not yet written" : holder));
  }
  const std::string stale = describe(read_fd(fd_));
  if (!stale.empty()) {
    diagnostics.push_back(
        Diagnostic::note(fmt::format("{}: took over the lock of {}, which no longer holds it", path, stale)));
  }
  const std::string text = holder_text();
  if (::ftruncate(fd_, 0) != 0 ||
      ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    const int error = errno;
    ::close(fd_);
    throw RunError(fmt::format("{}: cannot write the lock file: {}", path, std::strerror(error)));
  }
}

OutputLock::~OutputLock() {
  [[maybe_unused]] const int ignored = ::ftruncate(fd_, 0);
  ::close(fd_);
}

}  // namespace neurokv::sweep
