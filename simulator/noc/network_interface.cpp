#include "simulator/noc/network_interface.hpp"

#include "simulator/noc/router.hpp"

namespace neurokv::noc {

NetworkInterface::NetworkInterface(int node, int cols, int vcs, int buffer_flits, Router& router,
                                   std::vector<Packet>& packets, std::vector<int64_t>& free_slots)
    : injection_(vcs, buffer_flits),
      router_(router),
      packets_(packets),
      free_slots_(free_slots),
      node_(node),
      cols_(cols) {}

void NetworkInterface::inject(int64_t cycle) {
  if (sending_ < 0) {
    if (queue_.empty()) return;
    // A packet takes a free VC of the local input port (round robin) and keeps it until its tail is written.
    const int vc = vc_choice_.grant(injection_.free_vcs());
    if (vc < 0) return;
    injection_.hold(vc);
    sending_ = queue_.front();
    queue_.pop_front();
    sending_vc_ = vc;
    next_flit_ = 0;
    const Packet& packet = packets_[static_cast<size_t>(sending_)];
    flits_ = packet.flits;
    flit_.packet = static_cast<int32_t>(sending_);
    flit_.dst_x = static_cast<int16_t>(packet.dst % cols_);
    flit_.dst_y = static_cast<int16_t>(packet.dst / cols_);
    flit_.tree = packet.tree;
  }
  if (!injection_.has_credit(sending_vc_)) return;
  flit_.head = next_flit_ == 0;
  flit_.tail = next_flit_ == flits_ - 1;
  injection_.consume_credit(sending_vc_);
  router_.inject(sending_vc_, flit_, cycle);
  ++flits_injected_;
  ++next_flit_;
  if (flit_.tail) {
    injection_.release(sending_vc_);
    sending_ = -1;
  }
}

void NetworkInterface::eject(const Flit& flit, int64_t cycle) {
  ++flits_ejected_;
  if (!flit.tail) return;
  Packet& packet = packets_[static_cast<size_t>(flit.packet)];
  if (delivered_) delivered_->push_back({packet, node_, cycle});
  if (--packet.copies_left == 0) free_slots_.push_back(flit.packet);
}

}  // namespace neurokv::noc
