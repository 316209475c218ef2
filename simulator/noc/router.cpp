#include "simulator/noc/router.hpp"

#include <stdexcept>

#include "simulator/noc/network_interface.hpp"

namespace neurokv::noc {

Router::Router(int x, int y, const NocParams& params, const MulticastTrees& trees)
    : x_(x), y_(y), cols_(params.cols), vcs_(params.vcs), pipeline_(params.pipeline_cycles), trees_(trees) {
  for (int port = 0; port < kPorts; ++port) {
    inputs_.emplace_back(params.vcs, params.buffer_flits);
    outputs_.emplace_back(params.vcs, params.buffer_flits, port == kLocal);
  }
}

void Router::connect(const std::array<Router*, kPorts>& neighbours, NetworkInterface& local) {
  neighbours_ = neighbours;
  local_ = &local;
}

void Router::receive(int port, int vc, const Flit& flit) {
  InputPort& in = inputs_[static_cast<size_t>(port)];
  if (in.staged) throw std::logic_error("noc: two flits on one link in one cycle");
  in.staged = true;
  in.staged_vc = vc;
  in.staged_flit = flit;
  ++staged_;
}

void Router::enter(int port, int vc, const Flit& flit, int64_t cycle) {
  InputPort& input = inputs_[static_cast<size_t>(port)];
  InputVc& in = input.vcs[static_cast<size_t>(vc)];
  if (in.buffer.empty() && in.out_ports == 0) ++unallocated_;  // a head at the front of an idle VC
  in.buffer.push({flit, cycle + pipeline_ - 1});
  input.occupied |= uint64_t{1} << vc;
  ++buffered_;
  ++flits_in_;
}

void Router::inject(int vc, const Flit& flit, int64_t cycle) { enter(kLocal, vc, flit, cycle); }

void Router::return_credit(int port, int vc) {
  outputs_[static_cast<size_t>(port)].return_credit(vc);
  ++credits_staged_;
}

void Router::absorb(int64_t cycle) {
  if (credits_staged_ > 0) {
    for (OutputPort& out : outputs_) out.absorb_credit();
    credits_staged_ = 0;
  }
  if (staged_ == 0) return;
  for (int port = 0; port < kPorts; ++port) {
    InputPort& in = inputs_[static_cast<size_t>(port)];
    if (!in.staged) continue;
    in.staged = false;
    enter(port, in.staged_vc, in.staged_flit, cycle);
  }
  staged_ = 0;
}

void Router::step(int64_t cycle) {
  if (buffered_ == 0) return;
  if (unallocated_ > 0) allocate_vcs(cycle);
  allocate_switch(cycle);
}

void Router::allocate_vcs(int64_t cycle) {
  // First stage: each VC whose front is a ready head lacking a downstream VC on one of its ports is routed
  // (XY, or its tree) and asks, on each such port, for one free VC.
  unsigned asked_ports = 0;  // bit o: some input VC asks output port o
  for (int port = 0; port < kPorts; ++port) {
    InputPort& in = inputs_[static_cast<size_t>(port)];
    for (uint64_t left = in.occupied; left != 0; left &= left - 1) {
      const int v = __builtin_ctzll(left);
      InputVc& vc = in.vcs[static_cast<size_t>(v)];
      if (!ready(vc, cycle)) continue;
      if (vc.out_ports == 0) {
        const Flit& head = vc.buffer.front().flit;
        if (!head.head)
          throw std::logic_error("noc: a body flit at the front of an unrouted virtual channel");
        vc.out_ports = head.tree >= 0 ? trees_.ports(head.tree, y_ * cols_ + x_)
                                      : 1u << xy_port(x_, y_, head.dst % cols_, head.dst / cols_);
      }
      for (unsigned need = vc.unallocated(); need != 0; need &= need - 1) {
        const int o = __builtin_ctz(need);
        const int want = vc.vc_choice.grant(outputs_[static_cast<size_t>(o)].free_vcs());
        if (want < 0) continue;
        asks_[static_cast<size_t>(o)][static_cast<size_t>(want)] |= uint64_t{1} << (port * vcs_ + v);
        asked_ports |= 1u << o;
      }
    }
  }
  // Second stage: each asked-for downstream VC grants one of the input VCs asking for it.
  for (int o = 0; asked_ports != 0; ++o, asked_ports >>= 1) {
    if ((asked_ports & 1u) == 0) continue;
    OutputPort& out = outputs_[static_cast<size_t>(o)];
    for (int u = 0; u < vcs_; ++u) {
      uint64_t& askers = asks_[static_cast<size_t>(o)][static_cast<size_t>(u)];
      const int winner = out.vc_grant(u).grant(askers);
      askers = 0;
      if (winner < 0) continue;
      out.hold(u);
      InputVc& vc = inputs_[static_cast<size_t>(winner / vcs_)].vcs[static_cast<size_t>(winner % vcs_)];
      vc.out_vc[static_cast<size_t>(o)] = u;
      if (vc.unallocated() == 0) --unallocated_;
    }
  }
}

unsigned Router::crossable(const InputVc& vc) const {
  unsigned ports = 0;
  for (unsigned left = vc.out_ports & ~vc.sent; left != 0; left &= left - 1) {
    const int p = __builtin_ctz(left);
    const int out_vc = vc.out_vc[static_cast<size_t>(p)];
    if (out_vc >= 0 && outputs_[static_cast<size_t>(p)].has_credit(out_vc)) ports |= 1u << p;
  }
  return ports;
}

void Router::allocate_switch(int64_t cycle) {
  // First stage: each input port bids with one VC whose front flit is ready and has a downstream credit, for
  // every port it may cross to now.
  std::array<uint64_t, kPorts> bidders{};     // by output port: the input ports bidding for it
  std::array<unsigned, kMaxVcs> may_cross{};  // by VC of the input port in hand: the ports it may cross to
  for (int port = 0; port < kPorts; ++port) {
    InputPort& in = inputs_[static_cast<size_t>(port)];
    uint64_t ready_vcs = 0;
    for (uint64_t left = in.occupied; left != 0; left &= left - 1) {
      const int v = __builtin_ctzll(left);
      const InputVc& vc = in.vcs[static_cast<size_t>(v)];
      if (!ready(vc, cycle)) continue;
      may_cross[static_cast<size_t>(v)] = crossable(vc);
      if (may_cross[static_cast<size_t>(v)] != 0) ready_vcs |= uint64_t{1} << v;
    }
    const int bid = in.switch_choice.grant(ready_vcs);
    bid_[static_cast<size_t>(port)] = bid;
    if (bid < 0) continue;
    for (unsigned ports = may_cross[static_cast<size_t>(bid)]; ports != 0; ports &= ports - 1)
      bidders[static_cast<size_t>(__builtin_ctz(ports))] |= uint64_t{1} << port;
  }
  // Second stage: each output port grants one of the input ports bidding for it; the winners cross.
  std::array<unsigned, kPorts> won{};  // by input port: the output ports it won
  for (int o = 0; o < kPorts; ++o) {
    if (bidders[static_cast<size_t>(o)] == 0) continue;
    won[static_cast<size_t>(
        outputs_[static_cast<size_t>(o)].switch_grant.grant(bidders[static_cast<size_t>(o)]))] |= 1u << o;
  }
  for (int port = 0; port < kPorts; ++port)
    if (won[static_cast<size_t>(port)] != 0) traverse(port, won[static_cast<size_t>(port)], cycle);
}

void Router::traverse(int in_port, unsigned ports, int64_t cycle) {
  const int v = bid_[static_cast<size_t>(in_port)];
  InputPort& in = inputs_[static_cast<size_t>(in_port)];
  InputVc& vc = in.vcs[static_cast<size_t>(v)];
  const Flit flit = vc.buffer.front().flit;
  for (unsigned left = ports; left != 0; left &= left - 1) {
    const int o = __builtin_ctz(left);
    int& out_vc = vc.out_vc[static_cast<size_t>(o)];
    OutputPort& out = outputs_[static_cast<size_t>(o)];
    out.consume_credit(out_vc);
    if (o == kLocal) {
      local_->eject(flit, cycle + 1);
    } else {
      neighbours_[static_cast<size_t>(o)]->receive(opposite(o), out_vc, flit);
      ++link_flits_;
    }
    if (flit.tail) {
      out.release(out_vc);
      out_vc = -1;
    }
  }
  vc.sent |= ports;
  if (vc.sent != vc.out_ports) return;  // a multicast flit still has branches to cross to
  vc.sent = 0;
  vc.buffer.pop();
  if (vc.buffer.empty()) in.occupied &= ~(uint64_t{1} << v);
  --buffered_;
  ++flits_out_;
  // The freed slot's credit goes back upstream.
  if (in_port == kLocal)
    local_->injection().return_credit(v);
  else
    neighbours_[static_cast<size_t>(in_port)]->return_credit(opposite(in_port), v);
  if (flit.tail) {
    vc.out_ports = 0;
    if (!vc.buffer.empty()) ++unallocated_;  // the next packet's head is at the front now
  }
}

}  // namespace neurokv::noc
