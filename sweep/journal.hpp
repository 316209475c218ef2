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
#include <string_view>
#include <vector>

#include "sweep/table.hpp"

namespace neurokv::sweep {

// How a journal writes: ::write, unless a test injects a failing one.
using WriteFn = ssize_t (*)(int fd, const void* data, std::size_t size);

// A journal's row as its line: the CSV fields, point first, and the newline.
std::string journal_line(const SweepRow& row);

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

  // Appends a row's line (journal_line()); returns the line's byte offset. Lines are written in batches of
  // whole lines: at once when the last write is 50 ms old, else once 64 KB are held (a crash loses those
  // held, and their points run again on resume); flush() writes the rest. Not thread-safe: the runner renders
  // rows in its workers and serialises the appends.
  int64_t append(std::string_view line);
  int64_t append(const SweepRow& row) { return append(journal_line(row)); }
  void flush();          // writes the lines held: rows survive a crash; RunError if the disk refuses them
  void sync();           // flush(), then fsync_written()
  void fsync_written();  // fsyncs what flush() wrote: rows survive a power cut. Nothing else may use the
                         // journal meanwhile (the runner overlaps the last one with writing the results).

 private:
  Journal(std::string path, int fd, int64_t size, WriteFn write)
      : path_(std::move(path)), fd_(fd), write_(write), size_(size) {}
  void write_all(std::string_view text);

  std::string path_;
  int fd_ = -1;
  WriteFn write_ = nullptr;  // nullptr: ::write
  int64_t size_ = 0;         // bytes written: the next line's offset
  std::chrono::steady_clock::time_point last_sync_ = std::chrono::steady_clock::now();
  std::string held_;  // whole lines appended and not yet written
  std::chrono::steady_clock::time_point last_write_;
  bool unsynced_ = false;  // bytes written since the last fsync
};

// Reads rows back from a journal by offset, to write the results in point order without holding them: the
// journal is mapped, and a row is a view of its line.
class JournalReader {
 public:
  JournalReader(const std::string& path, std::size_t columns);
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;
  ~JournalReader();
  // The row's line without its newline, split into `fields` (views into the mapping); RunError if the
  // offset is not the start of a row of `columns` fields.
  std::string_view line_at(int64_t offset, std::vector<std::string_view>& fields) const;
  // Gives the mapped pages wholly inside [from, to) back: a sweep's journal may be larger than memory, and
  // mapped pages read once would count as the process's own. A row there is still readable (read again).
  void release(int64_t from, int64_t to) const;

 private:
  std::string path_;
  std::size_t columns_;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace neurokv::sweep
