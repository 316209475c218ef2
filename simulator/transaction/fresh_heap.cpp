#include "simulator/transaction/fresh_heap.hpp"

#include <cstddef>

// jemalloc's control interface, weak: null where jemalloc is not linked (the libraries, tests and the Python
// module use the C library's malloc).
extern "C" int mallctl(const char* name, void* old_value, std::size_t* old_size, void* new_value,
                       std::size_t new_size) __attribute__((weak));

namespace neurokv::transaction {

void use_fresh_heap() noexcept {
  if (mallctl == nullptr) return;
  unsigned arena = 0;
  std::size_t size = sizeof arena;
  if (mallctl("arenas.create", &arena, &size, nullptr, 0) != 0) return;  // the parent's arena serves on
  // The thread cache holds blocks of the parent's arena: emptied first, so that every block from now on is
  // new.
  mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
  mallctl("thread.arena", nullptr, nullptr, &arena, sizeof arena);
}

void prepare_fresh_heaps() noexcept {
  // Any call builds the tables; the count it reads is not needed.
  static const bool built = [] {
    unsigned arenas = 0;
    std::size_t size = sizeof arenas;
    return mallctl != nullptr && mallctl("arenas.narenas", &arenas, &size, nullptr, 0) == 0;
  }();
  static_cast<void>(built);
}

}  // namespace neurokv::transaction
