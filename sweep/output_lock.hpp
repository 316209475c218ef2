#pragma once
// One run per output directory: an advisory lock (flock) on DIR/.neurokv.lock, held while a sweep or a merge
// writes there. The file names the holder (PID, start time, host) for the message a second run gets; the
// kernel drops the lock when its holder exits, however it exits.
#include <string>

#include "compiler/support/diagnostic.hpp"

namespace neurokv::sweep {

class OutputLock {
 public:
  // Takes the lock. InputError naming the holder's PID and start time if another process holds it. A lock
  // file left by a process that is gone is taken over; a note appended to `diagnostics` says whose it was.
  OutputLock(const std::string& dir, Diagnostics& diagnostics);
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  ~OutputLock();  // empties the file (a clean finish leaves no holder named) and releases the lock

 private:
  int fd_;
};

}  // namespace neurokv::sweep
