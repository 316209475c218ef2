// jemalloc's options for the neurokv command, read by jemalloc when it starts (its `malloc_conf` symbol; the
// MALLOC_CONF environment variable still applies on top). Linked only with jemalloc (cli/CMakeLists.txt).
//
// thp:always: jemalloc asks for transparent huge pages for its memory, so a fresh 2 MiB region faults once
// rather than 512 times. A page fault costs 13-20 us on the 2-vCPU guest of docs/performance.md, and a sweep,
// an estimate and each simulation child fault in memory they allocate fresh: `estimate --model paper-1.2b
// --variant all` took 71-77 ms of CPU with it and 117-124 ms without, for a larger resident set (Session 13:
// jemalloc in the command). Where the kernel offers no huge pages the option does nothing.
extern "C" {
// NOLINTNEXTLINE: the name and type jemalloc looks for
extern const char* malloc_conf;
const char* malloc_conf = "thp:always";
}
