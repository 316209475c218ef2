#include "sweep/journal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"

namespace neurokv::sweep {
namespace {

std::string header(const std::string& spec_hash, const std::string& version) {
  return fmt::format("# neurokv.sweep-journal/1 spec_hash={} neurokv={}\n", spec_hash, version);
}

// The neurokv version a journal's first line names, or "" (none, or not a journal).
std::string version_in(const std::string& text) {
  const std::string line = text.substr(0, text.find('\n'));
  const std::size_t at = line.find(" neurokv=");
  return at == std::string::npos ? "" : line.substr(at + 9);
}

int open_for_append(const std::string& path, int extra_flags) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | extra_flags, 0644);
  if (fd < 0 && errno == EEXIST) {
    throw InputError(
        fmt::format("{}: a sweep journal is already here, expected --resume to finish it or another "
                    "--out directory",
                    path));
  }
  if (fd < 0) throw RunError(fmt::format("{}: cannot open the journal: {}", path, std::strerror(errno)));
  return fd;
}

constexpr auto kSyncInterval = std::chrono::seconds(1);

}  // namespace

Journal Journal::create(const std::string& path, const std::string& spec_hash, const std::string& version,
                        WriteFn write) {
  Journal journal(path, open_for_append(path, O_CREAT | O_EXCL), write);
  journal.write_all(header(spec_hash, version));
  journal.sync();
  return journal;
}

Journal Journal::resume(const std::string& path, const std::string& spec_hash, const std::string& version,
                        std::size_t columns, std::vector<SweepRow>& done, WriteFn write) {
  const std::string text = read_whole_file(path);
  const std::string expected = header(spec_hash, version);
  if (text.compare(0, expected.size(), expected) != 0) {
    const std::string theirs = version_in(text);
    if (theirs != version) {
      throw InputError(
          fmt::format("{}: the journal was written by neurokv {}, this is neurokv {} (version+cost "
                      "model): its rows may be costed by other equations, expected the neurokv build it "
                      "was started with, or a new --out directory",
                      path, theirs.empty() ? "before 0.1.0+cost1" : theirs, version));
    }
    throw InputError(
        fmt::format("{}: the journal belongs to another spec or chip file (its first line is not '{}'), "
                    "expected the spec it was started with",
                    path, expected.substr(0, expected.size() - 1)));
  }
  std::set<int64_t> seen;
  std::size_t begin = expected.size();
  int line = 2;
  for (std::size_t end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1, ++line) {
    SweepRow row = row_from_fields(split_csv_line(text.substr(begin, end - begin)), columns,
                                   fmt::format("{}:{}", path, line));
    if (seen.insert(row.point).second) done.push_back(std::move(row));
  }
  // `begin` now ends the last whole line: cut the torn rest, or the next append would glue onto it.
  if (begin < text.size() && ::truncate(path.c_str(), static_cast<off_t>(begin)) != 0) {
    throw RunError(fmt::format("{}: cannot drop the torn last line: {}", path, std::strerror(errno)));
  }
  return Journal(path, open_for_append(path, 0), write);
}

Journal::Journal(Journal&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), write_(other.write_), last_sync_(other.last_sync_) {
  other.fd_ = -1;
}

Journal::~Journal() {
  if (fd_ < 0) return;
  ::fsync(fd_);
  ::close(fd_);
}

void Journal::write_all(const std::string& text) {
  // O_APPEND makes one write() of a line land whole at the end; a short write (disk full) is an error, not
  // retried, so no line is ever split across writes.
  const ssize_t n = write_ ? write_(fd_, text.data(), text.size()) : ::write(fd_, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size())) {
    throw RunError(fmt::format("{}: cannot append to the journal: {}", path_,
                               n < 0 ? std::strerror(errno) : "short write (disk full?)"));
  }
}

void Journal::append(const SweepRow& row) {
  write_all(csv_line(row_fields(row)) + "\n");
  if (std::chrono::steady_clock::now() - last_sync_ >= kSyncInterval) sync();
}

void Journal::sync() {
  ::fsync(fd_);
  last_sync_ = std::chrono::steady_clock::now();
}

}  // namespace neurokv::sweep
