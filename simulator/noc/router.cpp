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
    for (int vc = 0; vc < params.vcs; ++vc)
      port_of_[static_cast<size_t>(port * params.vcs + vc)] = static_cast<int8_t>(port);
  }
}

void Router::connect(const std::array<Router*, kPorts>& neighbours, NetworkInterface& local,
                     Activity& activity) {
  neighbours_ = neighbours;
  local_ = &local;
  activity_ = &activity;
}

// receive, enter, route, hold, crossable and return_credit are inline: they are a flit-hop's hot path, called
// only here.
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
    may_cross_[static_cast<size_t>(in)] = static_cast<uint8_t>(ports);
    if (ports != 0) bidding_ |= bit(in);
  }
  recheck_ &= ~due;
}

// Routes input VC `in`'s head (XY, or its tree) if it is not yet routed; returns the VC.
inline InputVc& Router::route(int in) {
  InputVc& vc = in_vcs_[static_cast<size_t>(in)];
  if (vc.out_ports != 0) return vc;
  const Flit& head = buffers_.front(in).flit;
  if (!head.head) throw std::logic_error("noc: a body flit at the front of an unrouted virtual channel");
  vc.out_ports = static_cast<uint8_t>(head.tree >= 0 ? trees_.ports(head.tree, node_)
                                                     : 1u << xy_port(x_, y_, head.dst_x, head.dst_y));
  vc.unallocated = vc.out_ports;
  for (unsigned ports = vc.out_ports; ports != 0; ports &= ports - 1)
    routed_to_[static_cast<size_t>(__builtin_ctz(ports))] |= bit(in);
  return vc;
}

// Downstream VC `u` of output port `o` was granted to input VC `in`.
inline void Router::hold(int in, int o, int u) {
  outputs_[static_cast<size_t>(o)].hold(u);
  holder_[static_cast<size_t>(o * vcs_ + u)] = static_cast<int8_t>(in);
  InputVc& vc = in_vcs_[static_cast<size_t>(in)];
  vc.out_vc[static_cast<size_t>(o)] = static_cast<int8_t>(u);
  vc.unallocated &= static_cast<uint8_t>(~(1u << o));
  if (vc.unallocated == 0) waiting_ &= ~bit(in);
  recheck(in);
}

void Router::allocate_vcs() {
  const uint64_t candidates = waiting_ & ~blocked_ & ready_;
  if ((candidates & (candidates - 1)) == 0) return allocate_vcs_alone(__builtin_ctzll(candidates));
  // By output port and downstream VC, the input VCs asking for it (bit port × vcs + vc), and by output port,
  // a bit per downstream VC asked for. On the stack, not in the router: an entry is written only once its
  // bit in `asked` is set, so neither needs clearing, and the router stays small.
  std::array<std::array<uint64_t, kMaxVcs>, kPorts> asks;
  std::array<uint64_t, kPorts> asked{};
  unsigned asked_ports = 0;  // bit o: some input VC asks output port o
  // First stage: each VC whose front is a ready head lacking a downstream VC on one of its ports is routed
  // and asks, on each such port, for one free VC.
  for (uint64_t left = candidates; left != 0; left &= left - 1) {
    const int in = __builtin_ctzll(left);
    InputVc& vc = route(in);
    bool asked_any = false;
    for (unsigned need = vc.unallocated; need != 0; need &= need - 1) {
      const int o = __builtin_ctz(need);
      const int want = vc.vc_choice.grant(outputs_[static_cast<size_t>(o)].free_vcs());
      if (want < 0) continue;
      uint64_t& askers = asks[static_cast<size_t>(o)][static_cast<size_t>(want)];
      uint64_t& asked_vcs = asked[static_cast<size_t>(o)];
      askers = (asked_vcs >> want & 1u) != 0 ? askers | bit(in) : bit(in);
      asked_vcs |= uint64_t{1} << want;
      asked_ports |= 1u << o;
      asked_any = true;
    }
    // No port it needs has a free VC (its choosers saw empty masks and kept their state): nothing to ask
    // for until this router releases a downstream VC.
    if (!asked_any) blocked_ |= bit(in);
  }
  // Second stage: each asked-for downstream VC grants one of the input VCs asking for it (by port, then VC).
  for (; asked_ports != 0; asked_ports &= asked_ports - 1) {
    const int o = __builtin_ctz(asked_ports);
    OutputPort& out = outputs_[static_cast<size_t>(o)];
    for (uint64_t vcs = asked[static_cast<size_t>(o)]; vcs != 0; vcs &= vcs - 1) {
      const int u = __builtin_ctzll(vcs);
      hold(out.vc_grant(u).grant(asks[static_cast<size_t>(o)][static_cast<size_t>(u)]), o, u);
    }
  }
}

// The fast path of allocate_vcs() when one head asks: each downstream VC it asks for has it as its only
// asker, so the second stage's grant is known as soon as the first stage chose the VC. The same arbiters
// see the same requests in the same order (a grant on one port changes no other port's free VCs), so the
// result and the round-robin state are those of the two stages.
void Router::allocate_vcs_alone(int in) {
  InputVc& vc = route(in);
  bool asked_any = false;
  for (unsigned need = vc.unallocated; need != 0; need &= need - 1) {
    const int o = __builtin_ctz(need);
    OutputPort& out = outputs_[static_cast<size_t>(o)];
    const int want = vc.vc_choice.grant(out.free_vcs());
    if (want < 0) continue;
    out.vc_grant(want).grant(bit(in));
    hold(in, o, want);
    asked_any = true;
  }
  if (!asked_any) blocked_ |= bit(in);
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
  if ((bidding_ & (bidding_ - 1)) == 0) return allocate_switch_alone(__builtin_ctzll(bidding_), cycle);
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

// The fast path of allocate_switch() when one VC bids: its port's arbiter chooses it and every output port
// it may cross to grants it, the grants the two stages would give, with the same round-robin state.
void Router::allocate_switch_alone(int in, int64_t cycle) {
  const int port = port_of_[static_cast<size_t>(in)];
  bid_[static_cast<size_t>(port)] =
      inputs_[static_cast<size_t>(port)].switch_choice.grant(bidding_ >> (port * vcs_));
  const unsigned ports = may_cross_[static_cast<size_t>(in)];
  for (unsigned p = ports; p != 0; p &= p - 1)
    outputs_[static_cast<size_t>(__builtin_ctz(p))].switch_grant.grant(1u << port);
  traverse(port, ports, cycle);
}

void Router::traverse(int in_port, unsigned ports, int64_t cycle) {
  const int v = bid_[static_cast<size_t>(in_port)];
  const int in = in_port * vcs_ + v;
  InputVc& vc = in_vcs_[static_cast<size_t>(in)];
  const Flit flit = buffers_.front(in).flit;
  for (unsigned left = ports; left != 0; left &= left - 1) {
    const int o = __builtin_ctz(left);
    int8_t& out_vc = vc.out_vc[static_cast<size_t>(o)];
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
