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

void NetworkInterface::enqueue(int64_t slot, const Packet& packet) {
  Queued queued;
  queued.flit.packet = static_cast<int32_t>(slot);
  queued.flit.dst_x = static_cast<int16_t>(packet.dst % cols_);
  queued.flit.dst_y = static_cast<int16_t>(packet.dst / cols_);
  queued.flit.tree = packet.tree;
  queued.flits = packet.flits;
  queue_.push_back(queued);
}

void NetworkInterface::inject(int64_t cycle) {
  if (!busy_) {
    if (queue_.empty()) return;
    // A packet takes a free VC of the local input port (round robin) and keeps it until its tail is written.
    const int vc = vc_choice_.grant(injection_.free_vcs());
    if (vc < 0) return;
    injection_.hold(vc);
    sending_ = queue_.front();
    queue_.pop_front();
    busy_ = true;
    sending_vc_ = vc;
    next_flit_ = 0;
  }
  if (!injection_.has_credit(sending_vc_)) return;
  Flit& flit = sending_.flit;
  flit.head = next_flit_ == 0;
  flit.tail = next_flit_ == sending_.flits - 1;
  injection_.consume_credit(sending_vc_);
  router_.inject(sending_vc_, flit, cycle);
  ++flits_injected_;
  ++next_flit_;
  if (flit.tail) {
    injection_.release(sending_vc_);
    busy_ = false;
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
