#pragma once
// A forked simulation child's heap, kept apart from its parent's pages.

namespace neurokv::transaction {

// Has this thread allocate from a jemalloc arena of its own, made now, when the process's allocator is
// jemalloc (the neurokv command links it: cli/CMakeLists.txt); does nothing under another allocator. Called
// first in a forked child: every page of the parent's heap is shared copy-on-write after fork(), so a child
// allocating from the parent's arena copied a page on each first write, one 4 KiB fault at a time (a page
// fault costs 13-20 us on the guest of docs/performance.md), where a fresh arena's memory is untouched and
// comes in huge pages.
void use_fresh_heap() noexcept;

// Called in the parent before it forks: builds jemalloc's control tables (made by a process's first mallctl
// call: a record per arena) once, so that each child inherits them instead of building its own in
// use_fresh_heap. Does nothing under another allocator or after the first call.
void prepare_fresh_heaps() noexcept;

}  // namespace neurokv::transaction
