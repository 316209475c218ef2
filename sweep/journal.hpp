#pragma once
// The journal: every finished point's row, appended as it finishes, so a crash or Ctrl-C loses nothing.
// Each row is one write() of a whole line; a line cut short by a crash has no newline and is discarded on resume.
#include <chrono>
#include <string>
#include <vector>

#include "sweep/table.hpp"

namespace neurokv::sweep {

class Journal {
 public:
  // Starts a new journal at `path`; InputError if one is already there (resume it or choose another directory).
  static Journal create(const std::string& path, const std::string& spec_hash);
  // Reopens `path` for appending after reading its rows into `done`; drops a torn last line. InputError if it
  // belongs to another spec.
  static Journal resume(const std::string& path, const std::string& spec_hash, std::size_t columns,
                        std::vector<SweepRow>& done);

  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&&) = delete;
  Journal(const Journal&) = delete;
  ~Journal();

  void append(const SweepRow& row);  // not thread-safe: the runner serialises calls
  void sync();                       // fsync: rows survive a power cut, not only a crash

 private:
  Journal(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  void write_all(const std::string& text);

  std::string path_;
  int fd_ = -1;
  std::chrono::steady_clock::time_point last_sync_ = std::chrono::steady_clock::now();
};

}  // namespace neurokv::sweep
