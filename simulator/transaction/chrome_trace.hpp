#pragma once
// Spans for a Chrome trace (JSON "traceEvents", opens in Perfetto or chrome://tracing): one track per NP,
// router and DMA, plus a track of layers per phase. Recorded in memory during the run, written once at the
// end.
#include <cstdint>
#include <string>
#include <vector>

namespace neurokv::transaction {

// The trace's tracks, numbered once for every block that records spans: NP i (ir::np_index order) is track i,
// node n's router kFirstRouterTrack + n, then the DMA, the layers and the phases. NP tracks stay below the
// routers' for chips of up to 2^19 NPs, router tracks below the DMA's for up to 2^19 nodes.
constexpr int kFirstRouterTrack = 1 << 19;
constexpr int kDmaTrack = 1 << 20;
constexpr int kLayerTrack = kDmaTrack + 1;
constexpr int kPhaseTrack = kDmaTrack + 2;

class ChromeTrace {
 public:
  explicit ChromeTrace(double clock_hz) : clock_hz_(clock_hz) {}

  // Tracks are numbered by the caller (unique per block); the name is shown in the viewer.
  void name_track(int track, const std::string& name);
  // A span of `dur` cycles starting at cycle `start`. `name` must outlive the trace (op and layer names do).
  void span(int track, const std::string* name, double start, double dur);

  // The trace as JSON; the simulation's parent process writes it to the file (simulate.cpp).
  std::string json() const;

 private:
  struct Span {
    int track;
    const std::string* name;
    double start, dur;
  };
  double clock_hz_;
  std::vector<std::pair<int, std::string>> tracks_;
  std::vector<Span> spans_;
};

}  // namespace neurokv::transaction
