#pragma once
// The journal: every finished point's row, appended as it finishes, so a crash or Ctrl-C loses nothing.
// Each row is one write() of a whole line; a line cut short by a crash has no newline and is discarded on
// resume.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "sweep/table.hpp"

namespace neurokv::sweep {

// How a journal writes: ::write, unless a test injects a failing one.
using WriteFn = ssize_t (*)(int fd, const void* data, std::size_t size);

class Journal {
 public:
  // Starts a new journal at `path`; InputError if one is already there (resume it or choose another
  // directory). The header line names the spec hash and the neurokv version (SweepPlan::version()).
  static Journal create(const std::string& path, const std::string& spec_hash, const std::string& version,
                        WriteFn write = nullptr);
  // Reopens `path` for appending after reading its rows into `done`; drops a torn last line. InputError if it
  // belongs to another spec or was written by another neurokv version.
  static Journal resume(const std::string& path, const std::string& spec_hash, const std::string& version,
                        std::size_t columns, std::vector<SweepRow>& done, WriteFn write = nullptr);

  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&&) = delete;
  Journal(const Journal&) = delete;
  ~Journal();

  void append(const SweepRow& row);  // not thread-safe: the runner serialises calls
  void sync();                       // fsync: rows survive a power cut, not only a crash

 private:
  Journal(std::string path, int fd, WriteFn write) : path_(std::move(path)), fd_(fd), write_(write) {}
  void write_all(const std::string& text);

  std::string path_;
  int fd_ = -1;
  WriteFn write_ = nullptr;  // nullptr: ::write
  std::chrono::steady_clock::time_point last_sync_ = std::chrono::steady_clock::now();
};

}  // namespace neurokv::sweep
