#!/usr/bin/env bash
# Builds in build-asan with AddressSanitizer + UndefinedBehaviorSanitizer and runs the whole test suite; the
# first report of either fails the run (forked simulation children included: they inherit the options).
set -euo pipefail
cd "$(dirname "$0")/.."
# A unity build (CMake joins each target's sources into a few files): the instrumented build compiles each heavy
# header (SystemC, Boost, nlohmann-json, CLI11, Catch2) once a batch instead of once a file, in about two thirds of
# the time (docs/contributing.md, "Build time"). The normal build stays one file at a time, so a missing include
# still fails there.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEUROKV_SANITIZE=ON -DNEUROKV_BENCH=OFF \
  -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
# No detect_stack_use_after_return: SystemC's threads switch stacks (QuickThreads), which that mode cannot follow.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# The [slow] cases (label `slow`: a sweep run several times over, a trained model scored on 16 KiB of text) run in
# scripts/test.sh; under the sanitizers they would take as long as the rest together (docs/contributing.md).
# One case is left out: a transaction sweep with -j 2 forks simulation children from two threads, and GCC 12's ASan does
# not hold its allocator's lock across fork() (glibc's malloc does), so a child forked while the other thread
# allocates can wait on that lock forever. Release builds run it (scripts/test.sh).
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -LE slow -E "a transaction sweep decodes each point"
