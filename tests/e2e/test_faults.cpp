// Faults a long job meets on a shared machine, through the built CLI (docs/reliability.md, "Faults"): a full
// disk or a file-size limit, SIGTERM and SIGINT, two runs into one --out, damaged journals. Each asserts the
// exit code, the message, the files left behind and, after recovery, results byte-identical to an undisturbed
// run's.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "compiler/support/whole_file.hpp"
#include "tests/e2e/cli_runner.hpp"
#include "tests/e2e/scratch_dir.hpp"
#include "tests/unit/sweep_fixture.hpp"

namespace fs = std::filesystem;
using neurokv::read_whole_file;

namespace {

struct Dirs : neurokv::test::ScratchDir {
  Dirs() : ScratchDir("test-faults") {}
};

// Starts `args` (args[0] a program) with stdout to /dev/null and stderr to `err`.
pid_t spawn(const std::vector<std::string>& args, const std::string& err) {
  const pid_t pid = neurokv::test::start_command(args, err);
  REQUIRE(pid > 0);
  return pid;
}

std::vector<std::string> cli(std::vector<std::string> args) {
  args.insert(args.begin(), NEUROKV_BINARY);
  return args;
}

// neurokv under `prlimit --fsize=BYTES`: no file it writes may grow past BYTES (EFBIG).
std::vector<std::string> limited(std::size_t bytes, const std::vector<std::string>& args) {
  std::vector<std::string> all{"prlimit", "--fsize=" + std::to_string(bytes), "--"};
  for (const std::string& a : cli(args)) all.push_back(a);
  return all;
}

int run(const std::vector<std::string>& args, const std::string& err) {
  return neurokv::test::wait_cli(spawn(args, err));
}

std::size_t lines(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

void wait_for_rows(const std::string& journal, std::size_t rows) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (lines(journal) < rows + 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Files a writer left under a temporary name (NAME.tmp.PID.N) anywhere below `dir`.
std::vector<std::string> temporaries(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) found.push_back(entry.path());
  }
  return found;
}

// A sweep of kSweepSpec (216 points) run whole, undisturbed: what every recovered run must equal.
struct Reference {
  Dirs d;
  std::string spec = d.write("spec.yaml", kSweepSpec);
  std::string csv, json, journal;
  Reference() {
    const std::string out = d.root + "/whole";
    REQUIRE(run(cli({"sweep", spec, "--out", out, "-j", "2", "--no-plots"}), d.root + "/whole.err") == 0);
    csv = read_whole_file(out + "/results.csv");
    json = read_whole_file(out + "/results.json");
    journal = read_whole_file(out + "/journal.csv");
  }
  // Resumes `out` and requires results equal to the undisturbed run's; returns the resume's stderr.
  std::string resume_to_same(const std::string& out) const {
    const std::string err = d.root + "/resume.err";
    CHECK(run(cli({"sweep", spec, "--out", out, "--resume", "-j", "2", "--no-plots"}), err) == 0);
    CHECK(read_whole_file(out + "/results.csv") == csv);
    CHECK(read_whole_file(out + "/results.json") == json);
    CHECK(temporaries(out).empty());
    return read_whole_file(err);
  }
};

}  // namespace

TEST_CASE(
    "a sweep past its file-size limit exits 1 naming the file, keeps its journal, and resumes to the "
    "same results",
    "[slow]") {
  const Reference ref;
  const std::string err = ref.d.root + "/err";

  // The journal hits the limit mid-row: the row is torn, the run stops, --resume drops the torn row.
  const std::string cut = ref.d.root + "/cut-journal";
  CHECK(run(limited(ref.journal.size() / 2, {"sweep", ref.spec, "--out", cut, "-j", "2", "--no-plots"}),
            err) == 1);
  CHECK_THAT(read_whole_file(err), Catch::Contains(cut + "/journal.csv: cannot append to the journal") &&
                                       Catch::Contains("File too large"));
  CHECK(fs::file_size(cut + "/journal.csv") <= ref.journal.size() / 2);
  CHECK(!fs::exists(cut + "/results.csv"));
  CHECK(!fs::exists(cut + "/results.json"));
  CHECK(temporaries(cut).empty());
  CHECK_THAT(ref.resume_to_same(cut), Catch::Contains("dropped a torn last row"));

  // The journal fits, the results do not: neither results file appears, the journal is whole.
  const std::string full = ref.d.root + "/cut-results";
  CHECK(run(limited(ref.journal.size() + 4096, {"sweep", ref.spec, "--out", full, "-j", "2", "--no-plots"}),
            err) == 1);
  CHECK_THAT(read_whole_file(err), Catch::Contains(full + "/results.json: writing failed (File too large)"));
  CHECK(!fs::exists(full + "/results.csv"));
  CHECK(!fs::exists(full + "/results.json"));
  CHECK(temporaries(full).empty());
  CHECK(lines(full + "/journal.csv") == 217);
  CHECK_THAT(ref.resume_to_same(full), !Catch::Contains("torn"));
}

TEST_CASE("every writer reports a full disk as exit 1 naming its file and leaves no partial file") {
  const Dirs d;
  const std::string err = d.root + "/err";
  const std::string onnx = std::string(NEUROKV_SOURCE_DIR) + "/tests/fixtures/onnx/gqa-2.onnx";
  struct Writer {
    std::vector<std::string> args;
    std::string file;   // the output the message names
    std::size_t limit;  // RLIMIT_FSIZE: below the file's size, above any file written before it
  };
  const std::vector<Writer> writers{
      {{"compile", "-m", "paper-300m", "-v", "QKV", "-o", d.root + "/p.nkir"}, d.root + "/p.nkir", 1024},
      // The .nkir (12 KiB) is written before the .nkw (107 KiB).
      {{"compile", "-m", onnx, "-o", d.root + "/w.nkir"}, d.root + "/w.nkw", 64 << 10},
      {{"estimate", "-m", "paper-300m", "--json", d.root + "/r.json"}, d.root + "/r.json", 1024},
      {{"estimate", "-m", "paper-300m", "--csv", d.root + "/r.csv"}, d.root + "/r.csv", 1024},
      {{"run", "-m", "edge-tiny", "-v", "QKV", "--context", "64", "--trace", d.root + "/t.json"},
       d.root + "/t.json",
       1024},
  };
  for (const Writer& w : writers) {
    INFO("neurokv " << w.args[0] << " writing " << w.file);
    CHECK(run(limited(w.limit, w.args), err) == 1);
    CHECK_THAT(read_whole_file(err), Catch::Contains(w.file + ": writing failed (File too large)"));
    CHECK(!fs::exists(w.file));
    CHECK(temporaries(d.root).empty());
  }
  // The plots of a finished sweep: `neurokv plot` rewrites the data files.
  const std::string out = d.root + "/sweep";
  const std::string spec = d.write("spec.yaml", "model: edge-tiny\nhw: akida2-like\ncontexts: [64, 128]\n");
  REQUIRE(run(cli({"sweep", spec, "--out", out, "--no-plots"}), err) == 0);
  CHECK(run(limited(256, {"plot", out}), err) == 1);
  CHECK_THAT(read_whole_file(err), Catch::Contains(out + "/plots/") && Catch::Contains("File too large"));
  CHECK(temporaries(out).empty());

  // A report to a full stdout.
  CHECK(run({"sh", "-c", std::string(NEUROKV_BINARY) + " estimate -m paper-300m --json - >/dev/full"}, err) ==
        1);
  CHECK_THAT(read_whole_file(err), Catch::Contains("stdout: writing failed (No space left on device)"));
}

TEST_CASE("an output path that is a device is written in place, never replaced by a file") {
  Dirs d;
  const std::string err = d.root + "/err";
  // Written whole through a rename, /dev/full (root may write in /dev) became a regular file.
  CHECK(run(cli({"estimate", "-m", "edge-tiny", "--json", "/dev/full"}), err) == 1);
  CHECK_THAT(read_whole_file(err), Catch::Contains("/dev/full: writing failed (No space left on device)"));
  CHECK(fs::is_character_file("/dev/full"));
  CHECK(run(cli({"estimate", "-m", "edge-tiny", "--json", "/dev/null"}), err) == 0);
  CHECK(fs::is_character_file("/dev/null"));
}

TEST_CASE("a sweep on a full tmpfs exits 1, and resumes to the same results once there is space", "[slow]") {
  const Reference ref;
  const std::string mnt = ref.d.root + "/mnt";
  fs::create_directories(mnt);
  // 64 KiB: the 216-row journal (about 150 KiB) does not fit.
  if (std::system(("mount -t tmpfs -o size=64k neurokv-test " + mnt + " 2>/dev/null").c_str()) != 0) {
    WARN("skipped: mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN)");
    return;
  }
  const std::string out = mnt + "/out";
  const std::string err = ref.d.root + "/err";
  CHECK(run(cli({"sweep", ref.spec, "--out", out, "-j", "2", "--no-plots"}), err) == 1);
  CHECK_THAT(read_whole_file(err), Catch::Contains(out + "/journal.csv: cannot append to the journal"));
  CHECK(!fs::exists(out + "/results.csv"));
  CHECK(std::system(("mount -o remount,size=16m " + mnt).c_str()) == 0);
  ref.resume_to_same(out);
  CHECK(std::system(("umount " + mnt).c_str()) == 0);
}

TEST_CASE(
    "SIGTERM and SIGINT stop a sweep within a second, exit 143 and 130, and it resumes to the same "
    "results",
    "[slow]") {
  const Reference ref;
  for (const int signal : {SIGTERM, SIGINT}) {
    INFO("signal " << signal);
    const std::string out = ref.d.root + "/sig" + std::to_string(signal);
    const std::string err = ref.d.root + "/sig.err";
    const pid_t pid = spawn(cli({"sweep", ref.spec, "--out", out, "-j", "1", "--no-plots"}), err);
    wait_for_rows(out + "/journal.csv", 5);
    const auto sent = std::chrono::steady_clock::now();
    kill(pid, signal);
    const int code = neurokv::test::wait_cli(pid);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
    if (code == 0) {
      WARN("the sweep finished before the signal arrived");
      continue;
    }
    CHECK(code == 128 + signal);
    CHECK(seconds < 1.0);
    CHECK_THAT(read_whole_file(err), Catch::Contains(signal == SIGTERM ? "interrupted by SIGTERM after"
                                                                       : "interrupted by SIGINT after") &&
                                         Catch::Contains("--out " + out + " --resume"));
    CHECK(!fs::exists(out + "/results.csv"));
    ref.resume_to_same(out);
  }
}

namespace {

// The processes `pid` has forked (Linux: /proc/PID/task/PID/children).
std::vector<pid_t> children(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> found;
  for (pid_t child; in >> child;) found.push_back(child);
  return found;
}

}  // namespace

TEST_CASE("SIGTERM or SIGINT during run or simulate kills the simulation child and leaves no output") {
  const Dirs d;
  const std::string program = d.root + "/p.nkir";
  REQUIRE(run(cli({"compile", "-m", "paper-300m", "-v", "MQA", "-n", "1024", "-o", program}),
              d.root + "/compile.err") == 0);
  const std::vector<std::vector<std::string>> commands{
      {"run", "-m", "paper-300m", "-v", "MQA", "--context", "1024", "-t", "100", "--json", d.root + "/r.json",
       "--trace", d.root + "/t.json", "--vcd", d.root + "/w.vcd"},
      {"simulate", program, "-p", "900", "-t", "100", "--json", d.root + "/r.json", "--trace",
       d.root + "/t.json", "--vcd", d.root + "/w.vcd"}};
  for (const auto& command : commands) {
    for (const int signal : {SIGTERM, SIGINT}) {
      INFO("neurokv " << command[0] << ", signal " << signal);
      const std::string err = d.root + "/sig.err";
      const pid_t pid = spawn(cli(command), err);
      std::vector<pid_t> simulation;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while ((simulation = children(pid)).empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      REQUIRE(simulation.size() == 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the child is simulating, VCD open
      const auto sent = std::chrono::steady_clock::now();
      kill(pid, signal);
      CHECK(neurokv::test::wait_cli(pid) == 128 + signal);
      CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count() < 1.0);
      CHECK_THAT(read_whole_file(err),
                 Catch::Contains(signal == SIGTERM ? "interrupted by SIGTERM" : "interrupted by SIGINT"));
      CHECK(!fs::exists("/proc/" + std::to_string(simulation.front())));  // killed and reaped
      for (const char* output : {"/r.json", "/t.json", "/w.vcd"}) CHECK(!fs::exists(d.root + output));
      CHECK(temporaries(d.root).empty());
    }
  }
}

TEST_CASE("a second run into the same --out exits 2 naming the first, a dead run's lock is taken over",
          "[slow]") {
  const Reference ref;
  const std::string out = ref.d.root + "/shared";
  const pid_t first =
      spawn(cli({"sweep", ref.spec, "--out", out, "-j", "1", "--no-plots"}), ref.d.root + "/first.err");
  wait_for_rows(out + "/journal.csv", 3);
  // Held where it is, so it still holds the lock when the second run looks: 216 points take a fraction of a
  // second, less than a second run's start on a loaded machine.
  kill(first, SIGSTOP);
  const std::string err = ref.d.root + "/second.err";
  CHECK(run(cli({"sweep", ref.spec, "--out", out, "--resume", "--no-plots"}), err) == 2);
  CHECK_THAT(read_whole_file(err),
             Catch::Contains(out + ": another neurokv is writing to this directory: PID " +
                             std::to_string(first) + " (started ") &&
                 Catch::Contains(" UTC on "));
  CHECK(run(cli({"sweep", "merge", ref.d.root + "/whole", "--out", out}), err) == 2);
  kill(first, SIGKILL);  // leaves its PID in the lock file
  CHECK(neurokv::test::wait_cli(first) == 128 + SIGKILL);
  CHECK_THAT(ref.resume_to_same(out), Catch::Contains("took over the lock of PID " + std::to_string(first)) &&
                                          Catch::Contains("which no longer holds it"));
}

TEST_CASE(
    "a damaged journal: a torn last row is dropped with a note, a garbage row or another spec's "
    "journal exits 2 naming the line") {
  const Reference ref;
  const std::string err = ref.d.root + "/err";
  const auto damaged = [&](const std::string& name, const std::string& journal) {
    const std::string out = ref.d.root + "/" + name;
    fs::create_directories(out);
    std::ofstream(out + "/journal.csv") << journal;
    return out;
  };
  // Torn: the last row lost its end (and its newline).
  const std::string torn = damaged("torn", ref.journal.substr(0, ref.journal.size() - 40));
  CHECK_THAT(ref.resume_to_same(torn), Catch::Contains(torn + "/journal.csv:217: dropped a torn last row"));

  // Garbage in the middle: not safely repairable.
  std::string text = ref.journal;
  std::size_t at = 0;
  for (int line = 0; line < 100; ++line) at = text.find('\n', at) + 1;
  text.insert(at, "garbage,\x01\xff\n");
  const std::string garbage = damaged("garbage", text);
  CHECK(run(cli({"sweep", ref.spec, "--out", garbage, "--resume", "--no-plots"}), err) == 2);
  CHECK_THAT(read_whole_file(err), Catch::Contains(garbage + "/journal.csv:101: a damaged row"));
  CHECK(!fs::exists(garbage + "/results.csv"));
  CHECK(read_whole_file(garbage + "/journal.csv") == text);  // left as it was

  // Another spec's journal: its first line holds another hash.
  text = ref.journal;
  const std::size_t hash = text.find("spec_hash=") + 10;
  text[hash] = text[hash] == '0' ? '1' : '0';
  const std::string other = damaged("other", text);
  CHECK(run(cli({"sweep", ref.spec, "--out", other, "--resume", "--no-plots"}), err) == 2);
  CHECK_THAT(read_whole_file(err),
             Catch::Contains(other + "/journal.csv:1: the journal belongs to another spec or chip file"));
  CHECK(read_whole_file(other + "/journal.csv") == text);
}
