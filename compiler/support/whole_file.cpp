#include "compiler/support/whole_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "compiler/support/error.hpp"

namespace neurokv {
namespace {

// Sweeps write from several threads: pid alone would not make the temporary name unique.
std::string temporary_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return fmt::format("{}.tmp.{}.{}", path, getpid(), counter++);
}

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

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
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(fmt::format("{}: is a directory, expected a file name to write", path));
  }
  const std::string temp = temporary_name(path);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw InputError(
        fmt::format("{}: cannot write the file ({}), expected a writable path", path, std::strerror(errno)));
  }
  // fsync before the rename: after a power cut the final name holds the old file or the whole new one.
  const bool written = write_all(fd, text) && ::fsync(fd) == 0;
  const int write_errno = errno;
  ::close(fd);
  if (!written) {
    std::filesystem::remove(temp, ec);
    throw RunError(fmt::format("{}: writing failed ({})", path, std::strerror(write_errno)));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int rename_errno = errno;
    std::filesystem::remove(temp, ec);
    throw RunError(
        fmt::format("{}: cannot move the finished file into place ({})", path, std::strerror(rename_errno)));
  }
}

}  // namespace neurokv
