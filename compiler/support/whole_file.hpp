#pragma once
// Whole-file reads and crash-safe whole-file writes: the one place the libraries and the CLI touch files by
// path.
#include <cstddef>
#include <string>
#include <string_view>

namespace neurokv {

// Files above this are refused rather than read into memory (a .nkir of a 1,024-layer model is far smaller).
constexpr std::size_t kMaxInputFileBytes = std::size_t{1} << 30;

// Reads a whole file. A missing file, a directory or a file above `max_bytes` is an InputError naming the
// path and `what` was expected ("a YAML file", "a .nkir program").
std::string read_whole_file(const std::string& path, const std::string& what = "a readable file",
                            std::size_t max_bytes = kMaxInputFileBytes);

// Writes to a unique temporary name beside `path`, syncs it, then renames it into place: an interrupted run
// never leaves a truncated file under the final name, and an existing file is replaced whole or not at all.
// A directory or an unwritable place is an InputError; a disk that refuses the bytes (ENOSPC, EFBIG, EIO) is
// a RunError naming `path`. A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place.
void write_file_atomically(const std::string& path, const std::string& text);

// The same for a file too large to hold in memory (a million-row sweep's results): appended in pieces, then
// committed. Destroyed uncommitted (an error on the way), it removes its temporary file.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  void append(std::string_view text);  // buffered
  void sync();                         // writes the rest and fsyncs: what can fail with a full disk
  void commit();                       // sync(), then renames into place

 private:
  void flush();
  void start_writeback();  // of the bytes written so far, without waiting for it

  std::string path_, temp_;
  int fd_ = -1;
  int slot_ = -1;  // in the registry of unfinished files
  std::string buffer_;
};

// Registers a temporary file the process is writing, so that remove_unfinished_files() removes it if a
// signal ends the run; unregistered (not removed) on destruction. For files a child process writes.
class UnfinishedFile {
 public:
  explicit UnfinishedFile(const std::string& path);
  UnfinishedFile(const UnfinishedFile&) = delete;
  UnfinishedFile& operator=(const UnfinishedFile&) = delete;
  ~UnfinishedFile();

 private:
  int slot_;
};

// Unlinks every registered temporary file. Async-signal-safe: for a SIGINT/SIGTERM handler that then exits.
void remove_unfinished_files() noexcept;

}  // namespace neurokv
