#include "sweep/journal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "sweep/row_text.hpp"

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
// A write() per row was a tenth of a cost-only sweep's time; a batch is a few hundred rows at most.
constexpr std::size_t kBatchBytes = 64 * 1024;
constexpr auto kBatchDelay = std::chrono::milliseconds(50);

}  // namespace

Journal Journal::create(const std::string& path, const std::string& spec_hash, const std::string& version,
                        WriteFn write) {
  Journal journal(path, open_for_append(path, O_CREAT | O_EXCL), 0, write);
  // Not fsynced alone: the first sync (within a second) makes it durable with the first rows. A power cut
  // before that leaves an empty or torn header, which --resume starts again; an fsync here held back the
  // first point by a journal commit (10-50 ms).
  journal.write_all(header(spec_hash, version));
  return journal;
}

Journal Journal::resume(const std::string& path, const std::string& spec_hash, const std::string& version,
                        std::size_t columns, const std::function<void(SweepRow&&, int64_t)>& on_row,
                        int64_t& torn_line, WriteFn write) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(fmt::format("{}: is a directory, expected a sweep journal", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the journal, expected one to --resume", path));
  const std::string expected = header(spec_hash, version);
  std::string line;
  std::getline(in, line);
  torn_line = 0;
  int64_t end = 0;  // of the last whole line
  if (in.eof() && expected.compare(0, line.size(), line) == 0) {
    // Cut off while its header was written (a full disk): nothing to keep, start it again.
    torn_line = line.empty() ? 0 : 1;
  } else if (line + "\n" != expected) {
    const std::string theirs = version_in(line);
    if (theirs != version) {
      throw InputError(
          fmt::format("{}:1: the journal was written by neurokv {}, this is neurokv {} (version+cost "
                      "model): its rows may be costed by other equations, expected the neurokv build it "
                      "was started with, or a new --out directory",
                      path, theirs.empty() ? "before 0.1.0+cost1" : theirs, version));
    }
    throw InputError(
        fmt::format("{}:1: the journal belongs to another spec or chip file (its first line is not '{}'), "
                    "expected the spec it was started with, or a new --out directory",
                    path, expected.substr(0, expected.size() - 1)));
  } else {
    end = static_cast<int64_t>(expected.size());
    for (int64_t number = 2; std::getline(in, line); ++number) {
      if (in.eof()) {  // no newline: torn by a crash or a full disk mid-append
        torn_line = number;
        break;
      }
      on_row(row_from_fields(split_csv_line(line), columns, fmt::format("{}:{}", path, number)), end);
      end += static_cast<int64_t>(line.size()) + 1;
    }
  }
  // Cut the torn rest, or the next append would glue onto it.
  if (torn_line != 0 && ::truncate(path.c_str(), static_cast<off_t>(end)) != 0) {
    throw RunError(fmt::format("{}: cannot drop the torn last line: {}", path, std::strerror(errno)));
  }
  Journal journal(path, open_for_append(path, 0), end, write);
  if (end == 0) journal.write_all(expected);  // made durable by the first sync, as create()'s
  return journal;
}

Journal::Journal(Journal&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(other.fd_),
      write_(other.write_),
      size_(other.size_),
      last_sync_(other.last_sync_),
      held_(std::move(other.held_)),
      last_write_(other.last_write_),
      unsynced_(other.unsynced_) {
  other.fd_ = -1;
}

Journal::~Journal() {
  if (fd_ < 0) return;
  try {
    flush();
  } catch (const RunError&) {
    // The runner's sync() reports a failing disk; here the journal is only being closed (another error is
    // on its way), and a line cut short is dropped by --resume.
  }
  if (unsynced_) ::fsync(fd_);
  ::close(fd_);
}

void Journal::write_all(std::string_view text) {
  // O_APPEND puts each write() at the end, and the runner serialises appends, so a short write (a disk
  // filling up) is continued by the next write(): the line stays whole, or the error that stopped it (ENOSPC,
  // EFBIG) is reported and the torn line is the journal's last.
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write_ ? write_(fd_, text.data() + done, text.size() - done)
                             : ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      size_ += static_cast<int64_t>(done);
      throw RunError(fmt::format("{}: cannot append to the journal: {}", path_,
                                 n < 0 ? std::strerror(errno) : "nothing written (disk full?)"));
    }
    done += static_cast<std::size_t>(n);
    unsynced_ = true;
  }
  size_ += static_cast<int64_t>(done);
}

std::string journal_line(const SweepRow& row) {
  std::size_t size = 22;  // the point index (at most 20 digits) and the newline; each value adds its comma
  for (const std::string& value : row.values) size += value.size() + 1;
  std::string line;
  line.reserve(size);  // one allocation: a row is ~500 bytes, and grown by appending it was copied ~6 times
  line += std::to_string(row.point);
  for (const std::string& value : row.values) {
    line += ',';
    append_csv_field(line, value);
  }
  line += '\n';
  return line;
}

int64_t Journal::append(std::string_view line) {
  const int64_t offset = size_ + static_cast<int64_t>(held_.size());
  const auto now = std::chrono::steady_clock::now();
  held_ += line;
  // Slow points (a transaction-level simulation each) are written as they finish; fast ones in batches.
  if (held_.size() >= kBatchBytes || now - last_write_ >= kBatchDelay) flush();
  if (now - last_sync_ >= kSyncInterval) sync();
  return offset;
}

void Journal::flush() {
  if (held_.empty()) return;  // not a write: the next line still goes out at once if the last write is old
  // Taken out first: after a failed write nothing is written again (the torn line stays the journal's last).
  const std::string lines = std::move(held_);
  held_.clear();
  last_write_ = std::chrono::steady_clock::now();
  write_all(lines);
}

void Journal::sync() {
  flush();
  fsync_written();
}

void Journal::fsync_written() {
  // A journal with nothing written since the last fsync is not fsynced again (each fsync of an unchanged
  // file still waited on a journal commit, at the end of every sweep).
  if (unsynced_) ::fsync(fd_);
  unsynced_ = false;
  last_sync_ = std::chrono::steady_clock::now();
}

JournalReader::JournalReader(const std::string& path, std::size_t columns) : path_(path), columns_(columns) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat status {};
  if (fd < 0 || ::fstat(fd, &status) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw RunError(fmt::format("{}: cannot read the journal: {}", path, std::strerror(error)));
  }
  size_ = static_cast<std::size_t>(status.st_size);
  void* data = size_ == 0 ? nullptr : ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  const int error = errno;
  ::close(fd);
  if (data == MAP_FAILED)
    throw RunError(fmt::format("{}: cannot map the journal: {}", path, std::strerror(error)));
  data_ = static_cast<const char*>(data);
  // Read in order, mostly: let the kernel read ahead.
  if (data_ != nullptr) ::madvise(data, size_, MADV_SEQUENTIAL);
}

JournalReader::~JournalReader() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

void JournalReader::release(int64_t from, int64_t to) const {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t begin = (static_cast<std::size_t>(std::max<int64_t>(from, 0)) + page - 1) / page * page;
  const std::size_t end = std::min(static_cast<std::size_t>(std::max<int64_t>(to, 0)), size_) / page * page;
  if (data_ != nullptr && begin < end)
    ::madvise(const_cast<char*>(data_) + begin, end - begin, MADV_DONTNEED);
}

std::string_view JournalReader::line_at(int64_t offset, std::vector<std::string_view>& fields) const {
  const std::size_t at = static_cast<std::size_t>(offset);
  const void* newline = offset >= 0 && at < size_ ? std::memchr(data_ + at, '\n', size_ - at) : nullptr;
  if (newline == nullptr) {
    throw RunError(
        fmt::format("{}: the row at byte {} is gone, expected the journal this run wrote", path_, offset));
  }
  const std::string_view line(data_ + at,
                              static_cast<std::size_t>(static_cast<const char*>(newline) - (data_ + at)));
  split_csv_views(line, fields);
  if (fields.size() != columns_) {
    throw RunError(fmt::format("{} at byte {}: a damaged row ({} fields), expected {} fields", path_, offset,
                               fields.size(), columns_));
  }
  return line;
}

}  // namespace neurokv::sweep
