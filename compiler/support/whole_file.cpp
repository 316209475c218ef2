#include "compiler/support/whole_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>

#include "compiler/support/error.hpp"

namespace neurokv {
namespace {

// Sweeps write from several threads: pid alone would not make the temporary name unique.
std::string temporary_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return fmt::format("{}.tmp.{}.{}", path, getpid(), counter++);
}

bool write_all(int fd, std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The temporary files being written, for a signal handler to remove: fixed slots of lock-free atomics, as a
// handler may not allocate or lock.
struct Slot {
  std::atomic<int> state{0};  // 0 free, 1 being filled, 2 holds a path
  char path[4096];
};
Slot g_unfinished[64];

int register_unfinished(const std::string& path) {
  if (path.size() >= sizeof(Slot::path)) return -1;
  for (int i = 0; i < static_cast<int>(std::size(g_unfinished)); ++i) {
    int free = 0;
    if (g_unfinished[i].state.compare_exchange_strong(free, 1)) {
      std::memcpy(g_unfinished[i].path, path.c_str(), path.size() + 1);
      g_unfinished[i].state.store(2);
      return i;
    }
  }
  return -1;  // more than 64 at once: not removed on a signal, still never under the final name
}

void unregister_unfinished(int slot) {
  if (slot >= 0) g_unfinished[slot].state.store(0);
}

// A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place: renaming a finished file over it
// would replace the device with a regular file (as root, in /dev).
bool is_device_or_pipe(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 &&
         (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

// A full or failing disk is a failed run (exit 1); a path the user cannot write to is bad input (exit 2).
bool disk_failure(int error) { return error == ENOSPC || error == EDQUOT || error == EFBIG || error == EIO; }

}  // namespace

std::string read_whole_file(const std::string& path, const std::string& what, std::size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(fmt::format("{}: is a directory, expected {}", path, what));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the file, expected {}", path, what));
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      throw InputError(
          fmt::format("{}: the file is larger than {} bytes, expected {}", path, max_bytes, what));
    }
  }
  return text;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  AtomicFile file(path);
  file.append(text);
  file.commit();
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  if (std::filesystem::is_directory(path_, ec)) {
    throw InputError(fmt::format("{}: is a directory, expected a file name to write", path_));
  }
  if (is_device_or_pipe(path_)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  } else {
    temp_ = temporary_name(path_);
    slot_ = register_unfinished(temp_);
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  }
  if (fd_ < 0) {
    const int error = errno;
    unregister_unfinished(slot_);
    if (disk_failure(error))
      throw RunError(fmt::format("{}: writing failed ({})", path_, std::strerror(error)));
    throw InputError(
        fmt::format("{}: cannot write the file ({}), expected a writable path", path_, std::strerror(error)));
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ < 0) return;
  ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
  unregister_unfinished(slot_);
}

void AtomicFile::append(std::string_view text) {
  constexpr std::size_t kBuffer = std::size_t{1} << 20;
  if (buffer_.size() + text.size() > kBuffer) flush();
  if (text.size() >= kBuffer) {
    if (!write_all(fd_, text))
      throw RunError(fmt::format("{}: writing failed ({})", path_, std::strerror(errno)));
    start_writeback();
    return;
  }
  buffer_.append(text);
}

void AtomicFile::flush() {
  if (!write_all(fd_, buffer_))
    throw RunError(fmt::format("{}: writing failed ({})", path_, std::strerror(errno)));
  buffer_.clear();
  start_writeback();
}

void AtomicFile::start_writeback() {
  // sync() will wait for every byte to reach the disk; asking the kernel to start writing what is written
  // so far lets the disk work while the rest is rendered (a sweep's 290 MB of results waited 0.19-0.24 s in
  // fsync otherwise). A hint: its failure is sync()'s to report.
  if (!temp_.empty()) ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
}

void AtomicFile::sync() {
  flush();
  if (temp_.empty()) return;  // a device or a pipe: nothing to make durable (fsync fails on a pipe)
  // fsync before the rename: after a power cut the final name holds the old file or the whole new one.
  if (::fsync(fd_) != 0) throw RunError(fmt::format("{}: writing failed ({})", path_, std::strerror(errno)));
}

void AtomicFile::commit() {
  sync();
  const int fd = fd_;
  fd_ = -1;
  const bool closed = ::close(fd) == 0;  // NFS reports a failed write at close
  const int close_errno = errno;
  if (!closed || (!temp_.empty() && std::rename(temp_.c_str(), path_.c_str()) != 0)) {
    const int error = closed ? errno : close_errno;
    if (!temp_.empty()) ::unlink(temp_.c_str());
    unregister_unfinished(slot_);
    throw RunError(
        closed ? fmt::format("{}: cannot move the finished file into place ({})", path_, std::strerror(error))
               : fmt::format("{}: writing failed ({})", path_, std::strerror(error)));
  }
  unregister_unfinished(slot_);
}

UnfinishedFile::UnfinishedFile(const std::string& path) : slot_(register_unfinished(path)) {}

UnfinishedFile::~UnfinishedFile() { unregister_unfinished(slot_); }

void remove_unfinished_files() noexcept {
  for (Slot& slot : g_unfinished) {
    if (slot.state.load() == 2) ::unlink(slot.path);
  }
}

}  // namespace neurokv
