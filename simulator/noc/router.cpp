#include "simulator/noc/router.hpp"

#include <stdexcept>

#include "simulator/noc/network_interface.hpp"

namespace neurokv::noc {
namespace {

uint64_t bit(int in) { return uint64_t{1} << in; }

}  // namespace

Router::Router(int x, int y, const NocParams& params, const MulticastTrees& trees)
    : x_(x),
      y_(y),
      cols_(params.cols),
      vcs_(params.vcs),
      pipeline_(params.pipeline_cycles),
      node_(y * params.cols + x),
      trees_(trees),
      buffers_(kPorts * params.vcs, params.buffer_flits),
      in_vcs_(static_cast<size_t>(kPorts * params.vcs)) {
  int ring = 1;
  while (ring <= params.pipeline_cycles) ring *= 2;
  due_.assign(static_cast<size_t>(ring), 0);
  due_mask_ = ring - 1;
  for (int port = 0; port < kPorts; ++port) {
    outputs_[static_cast<size_t>(port)] = OutputPort(params.vcs, params.buffer_flits, port == kLocal);
    for (int vc = 0; vc < params.vcs; ++vc) port_of_[static_cast<size_t>(port * params.vcs + vc)] = port;
  }
}

void Router::connect(const std::array<Router*, kPorts>& neighbours, NetworkInterface& local,
                     Activity& activity) {
  neighbours_ = neighbours;
  local_ = &local;
  activity_ = &activity;
}

// receive, enter, crossable and return_credit are inline: they are a flit-hop's hot path, called only here.
inline void Router::receive(int port, int vc, const Flit& flit, int64_t cycle) {
  int64_t& arrived = inputs_[static_cast<size_t>(port)].arrived;
  if (arrived == cycle) throw std::logic_error("noc: two flits on one link in one cycle");
  arrived = cycle;
  // It reaches the buffer next cycle and may leave pipeline − 1 cycles after that.
  enter(port * vcs_ + vc, flit, cycle + pipeline_);
}

void Router::inject(int vc, const Flit& flit, int64_t cycle) {
  enter(kLocal * vcs_ + vc, flit, cycle + pipeline_ - 1);
}

inline void Router::enter(int in, const Flit& flit, int64_t ready) {
  if (buffers_.empty(in)) {
    if (in_vcs_[static_cast<size_t>(in)].out_ports == 0) wait(in);  // a head at the front of an idle VC
    recheck(in);                                                    // a new front flit
    front_ready_at(in, ready);
  }
  buffers_.push(in, {flit, ready});
  if (buffered_++ == 0) activity_->routers.add(node_);
  ++flits_in_;
}

void Router::step(int64_t cycle) {
  now_ = cycle;
  uint64_t& due = due_[static_cast<size_t>(cycle & due_mask_)];
  ready_ |= due;
  due = 0;
  if ((waiting_ & ~blocked_ & ready_) != 0) allocate_vcs();
  if ((recheck_ & ready_) != 0) refresh();
  if (bidding_ != 0) allocate_switch(cycle);
}

// A VC to recheck whose front is not ready yet (or which is empty) stays in recheck_ until it is.
void Router::refresh() {
  const uint64_t due = recheck_ & ready_;
  for (uint64_t left = due; left != 0; left &= left - 1) {
    const int in = __builtin_ctzll(left);
    const unsigned ports = crossable(in_vcs_[static_cast<size_t>(in)]);
    may_cross_[static_cast<size_t>(in)] = ports;
    if (ports != 0) bidding_ |= bit(in);
  }
  recheck_ &= ~due;
}

void Router::allocate_vcs() {
  // First stage: each VC whose front is a ready head lacking a downstream VC on one of its ports is routed
  // (XY, or its tree) and asks, on each such port, for one free VC.
  unsigned asked_ports = 0;  // bit o: some input VC asks output port o
  for (uint64_t left = waiting_ & ~blocked_ & ready_; left != 0; left &= left - 1) {
    const int in = __builtin_ctzll(left);
    InputVc& vc = in_vcs_[static_cast<size_t>(in)];
    if (vc.out_ports == 0) {
      const Flit& head = buffers_.front(in).flit;
      if (!head.head) throw std::logic_error("noc: a body flit at the front of an unrouted virtual channel");
      vc.out_ports =
          head.tree >= 0 ? trees_.ports(head.tree, node_) : 1u << xy_port(x_, y_, head.dst_x, head.dst_y);
      vc.unallocated = vc.out_ports;
      for (unsigned ports = vc.out_ports; ports != 0; ports &= ports - 1)
        routed_to_[static_cast<size_t>(__builtin_ctz(ports))] |= bit(in);
    }
    bool asked = false;
    for (unsigned need = vc.unallocated; need != 0; need &= need - 1) {
      const int o = __builtin_ctz(need);
      const int want = vc.vc_choice.grant(outputs_[static_cast<size_t>(o)].free_vcs());
      if (want < 0) continue;
      asks_[static_cast<size_t>(o)][static_cast<size_t>(want)] |= bit(in);
      asked_[static_cast<size_t>(o)] |= uint64_t{1} << want;
      asked_ports |= 1u << o;
      asked = true;
    }
    // No port it needs has a free VC (its choosers saw empty masks and kept their state): nothing to ask
    // for until this router releases a downstream VC.
    if (!asked) blocked_ |= bit(in);
  }
  // Second stage: each asked-for downstream VC grants one of the input VCs asking for it (by port, then VC).
  for (; asked_ports != 0; asked_ports &= asked_ports - 1) {
    const int o = __builtin_ctz(asked_ports);
    OutputPort& out = outputs_[static_cast<size_t>(o)];
    for (uint64_t vcs = asked_[static_cast<size_t>(o)]; vcs != 0; vcs &= vcs - 1) {
      const int u = __builtin_ctzll(vcs);
      uint64_t& askers = asks_[static_cast<size_t>(o)][static_cast<size_t>(u)];
      const int winner = out.vc_grant(u).grant(askers);
      askers = 0;
      out.hold(u);
      holder_[static_cast<size_t>(o * vcs_ + u)] = winner;
      InputVc& vc = in_vcs_[static_cast<size_t>(winner)];
      vc.out_vc[static_cast<size_t>(o)] = u;
      vc.unallocated &= ~(1u << o);
      if (vc.unallocated == 0) waiting_ &= ~bit(winner);
      recheck(winner);
    }
    asked_[static_cast<size_t>(o)] = 0;
  }
}

inline unsigned Router::crossable(const InputVc& vc) const {
  unsigned ports = 0;
  for (unsigned left = vc.out_ports & ~vc.sent; left != 0; left &= left - 1) {
    const int p = __builtin_ctz(left);
    const int out_vc = vc.out_vc[static_cast<size_t>(p)];
    if (out_vc >= 0 && outputs_[static_cast<size_t>(p)].has_credit(out_vc)) ports |= 1u << p;
  }
  return ports;
}

void Router::allocate_switch(int64_t cycle) {
  // First stage: each input port with a VC that may bid (ready, with a downstream credit) bids with one of
  // them, for every port it may cross to now.
  std::array<uint64_t, kPorts> bidders{};  // by output port: the input ports bidding for it
  unsigned asked = 0;                      // bit o: some input port bids for output port o
  const uint64_t port_vcs = (~uint64_t{0}) >> (64 - vcs_);
  for (uint64_t left = bidding_; left != 0;) {
    const int port = port_of_[static_cast<size_t>(__builtin_ctzll(left))];
    const int shift = port * vcs_;
    left &= ~(port_vcs << shift);
    const int bid = inputs_[static_cast<size_t>(port)].switch_choice.grant((bidding_ >> shift) & port_vcs);
    bid_[static_cast<size_t>(port)] = bid;
    const unsigned ports = may_cross_[static_cast<size_t>(shift + bid)];
    asked |= ports;
    for (unsigned p = ports; p != 0; p &= p - 1)
      bidders[static_cast<size_t>(__builtin_ctz(p))] |= uint64_t{1} << port;
  }
  // Second stage: each output port grants one of the input ports bidding for it; the winners cross.
  std::array<unsigned, kPorts> won{};  // by input port: the output ports it won
  unsigned winners = 0;                // bit per input port that won a port
  for (; asked != 0; asked &= asked - 1) {
    const int o = __builtin_ctz(asked);
    const int port = outputs_[static_cast<size_t>(o)].switch_grant.grant(bidders[static_cast<size_t>(o)]);
    won[static_cast<size_t>(port)] |= 1u << o;
    winners |= 1u << port;
  }
  for (; winners != 0; winners &= winners - 1) {
    const int port = __builtin_ctz(winners);
    traverse(port, won[static_cast<size_t>(port)], cycle);
  }
}

void Router::traverse(int in_port, unsigned ports, int64_t cycle) {
  const int v = bid_[static_cast<size_t>(in_port)];
  const int in = in_port * vcs_ + v;
  InputVc& vc = in_vcs_[static_cast<size_t>(in)];
  const Flit flit = buffers_.front(in).flit;
  for (unsigned left = ports; left != 0; left &= left - 1) {
    const int o = __builtin_ctz(left);
    int& out_vc = vc.out_vc[static_cast<size_t>(o)];
    OutputPort& out = outputs_[static_cast<size_t>(o)];
    out.consume_credit(out_vc);
    if (o == kLocal) {
      local_->eject(flit, cycle + 1);
    } else {
      neighbours_[static_cast<size_t>(o)]->receive(opposite(o), out_vc, flit, cycle);
      ++link_flits_;
    }
    if (flit.tail) {
      out.release(out_vc);
      blocked_ &= ~routed_to_[static_cast<size_t>(o)];  // a VC of `o` is free: the heads it blocked ask again
      out_vc = -1;
    }
  }
  vc.sent |= ports;
  recheck(in);                          // its credits, its ports left or its front changed
  if (vc.sent != vc.out_ports) return;  // a multicast flit still has branches to cross to
  vc.sent = 0;
  buffers_.pop(in);
  if (buffers_.empty(in))
    ready_ &= ~bit(in);
  else
    front_ready_at(in, buffers_.front(in).ready);
  --buffered_;
  ++flits_out_;
  // The freed slot's credit goes back upstream.
  if (in_port == kLocal) {
    return_credit({&local_->injection(), nullptr, 0}, v);
  } else {
    Router& upstream = *neighbours_[static_cast<size_t>(in_port)];
    const int out = opposite(in_port);
    return_credit({&upstream.outputs_[static_cast<size_t>(out)], &upstream, out}, v);
  }
  if (flit.tail) {
    for (unsigned left = vc.out_ports; left != 0; left &= left - 1)
      routed_to_[static_cast<size_t>(__builtin_ctz(left))] &= ~bit(in);
    vc.out_ports = 0;
    if (!buffers_.empty(in)) wait(in);  // the next packet's head is at the front now
  }
}

inline void Router::return_credit(const CreditDue& upstream, int vc) {
  upstream.port->return_credit(vc);
  activity_->credits_due.push_back(upstream);
}

}  // namespace neurokv::noc
