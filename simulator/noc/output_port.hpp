#pragma once
// A router's (or a network interface's injection channel's) view of the input buffers downstream of one link:
// a credit per free flit slot in each downstream VC, which VCs a packet holds, and the credit the downstream
// router returns over the link (one per cycle at most: an input port sends one flit per cycle).
#include <array>
#include <cstdint>
#include <stdexcept>

#include "simulator/noc/noc_params.hpp"
#include "simulator/noc/round_robin.hpp"

namespace neurokv::noc {

class OutputPort {
 public:
  // `sink`: the ejection port, whose consumer takes a flit every cycle and so never runs out of credits.
  OutputPort(int vcs, int depth, bool sink = false) : vcs_(vcs), sink_(sink) { credits_.fill(depth); }
  OutputPort() = default;  // no VCs: a router's ports before its constructor sets them

  int vcs() const { return vcs_; }
  int credits(int vc) const { return credits_[static_cast<size_t>(vc)]; }
  bool has_credit(int vc) const { return sink_ || credits_[static_cast<size_t>(vc)] > 0; }
  bool held(int vc) const { return (held_ >> vc & 1u) != 0; }
  uint64_t free_vcs() const {
    return ~held_ & ((~uint64_t{0}) >> (64 - vcs_));
  }  // bit per VC no packet holds
  bool sink() const { return sink_; }

  void hold(int vc) { held_ |= uint64_t{1} << vc; }
  void release(int vc) { held_ &= ~(uint64_t{1} << vc); }
  void consume_credit(int vc) {
    if (!sink_) --credits_[static_cast<size_t>(vc)];
  }

  // Second stage of VC allocation: which requester gets downstream VC `vc`.
  RoundRobin& vc_grant(int vc) { return vc_grant_[static_cast<size_t>(vc)]; }

  // The downstream router returns a credit for `vc`; it arrives next cycle (absorb_credit, called by the mesh
  // for the ports in Activity::credits_due).
  void return_credit(int vc) {
    if (staged_credit_ >= 0) throw std::logic_error("noc: two credits on one link in one cycle");
    staged_credit_ = vc;
  }
  bool credit_in_flight(int vc) const { return staged_credit_ == vc; }
  // Counts the credit returned last cycle; returns its VC, or -1 when none was.
  int absorb_credit() {
    const int vc = staged_credit_;
    if (vc < 0) return -1;
    ++credits_[static_cast<size_t>(vc)];
    staged_credit_ = -1;
    return vc;
  }

  RoundRobin switch_grant;  // switch allocation, second stage: which bidding input port crosses here

 private:
  // Inline arrays, not heap blocks: the allocators read them every cycle.
  std::array<int, kMaxVcs> credits_{};
  uint64_t held_ = 0;  // bit per VC
  std::array<RoundRobin, kMaxVcs> vc_grant_{};
  int vcs_ = 0;
  int staged_credit_ = -1;
  bool sink_ = false;
};

}  // namespace neurokv::noc
