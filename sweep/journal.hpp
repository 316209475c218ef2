#pragma once
// The journal: every finished point's row, appended as it finishes, so a crash or Ctrl-C loses nothing.
// Each row is one write() of a whole line; a line cut short by a crash has no newline and is discarded on
// resume.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
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
  // Reopens `path` for appending after handing each whole row, with its line's byte offset, to `on_row`
  // (streamed: a journal may be larger than memory). A torn last line (no newline: a crash or a full disk
  // mid-append) is cut off and its line number put in `torn_line` (0: none). InputError if the journal
  // belongs to another spec or neurokv version, or if any other line is damaged, naming `path:line`.
  static Journal resume(const std::string& path, const std::string& spec_hash, const std::string& version,
                        std::size_t columns, const std::function<void(SweepRow&&, int64_t)>& on_row,
                        int64_t& torn_line, WriteFn write = nullptr);

  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&&) = delete;
  Journal(const Journal&) = delete;
  ~Journal();

  int64_t append(
      const SweepRow& row);  // the line's byte offset; not thread-safe: the runner serialises calls
  void sync();               // fsync: rows survive a power cut, not only a crash

 private:
  Journal(std::string path, int fd, int64_t size, WriteFn write)
      : path_(std::move(path)), fd_(fd), write_(write), size_(size) {}
  void write_all(const std::string& text);

  std::string path_;
  int fd_ = -1;
  WriteFn write_ = nullptr;  // nullptr: ::write
  int64_t size_ = 0;         // bytes written: the next line's offset
  std::chrono::steady_clock::time_point last_sync_ = std::chrono::steady_clock::now();
};

// Reads rows back from a journal by offset, to write the results in point order without holding them.
class JournalReader {
 public:
  JournalReader(const std::string& path, std::size_t columns);
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;
  ~JournalReader();
  SweepRow row_at(int64_t offset);

 private:
  std::string path_;
  std::size_t columns_;
  int fd_;
};

}  // namespace neurokv::sweep
