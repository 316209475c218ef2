// The flit-level mesh NoC (simulator/noc/): zero-load latency against hand-worked paths, flow control
// (flits in = flits out, buffers within depth, credits conserved), a saturated run that drains (XY routing is
// deadlock-free), byte-for-byte determinism, and the saturation points of uniform and transpose traffic.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include "compiler/support/error.hpp"
#include "simulator/noc/channel_load.hpp"
#include "simulator/noc/mesh.hpp"
#include "simulator/noc/synthetic_run.hpp"

using namespace neurokv;
using namespace neurokv::noc;

namespace {

NocParams mesh_of(int cols, int rows, int vcs, int buffer_flits, int pipeline) {
  NocParams params;
  params.cols = cols;
  params.rows = rows;
  params.vcs = vcs;
  params.buffer_flits = buffer_flits;
  params.pipeline_cycles = pipeline;
  return params;
}

// Sends the packets, steps until the mesh is empty and returns each one's latency, in send order (the tag).
std::vector<int64_t> latencies(Mesh& mesh, const std::vector<std::array<int, 3>>& packets) {
  mesh.record_deliveries();
  int64_t order = 0;
  for (const auto& [src, dst, flits] : packets) mesh.send(src, dst, flits, order++);
  std::vector<int64_t> out(packets.size(), -1);
  while (!mesh.idle()) {
    mesh.step();
    REQUIRE(mesh.check_flow_control().empty());
    for (const Arrival& a : mesh.take_delivered())
      out[static_cast<size_t>(a.packet.tag)] = a.cycle - a.packet.created;
  }
  return out;
}

}  // namespace

TEST_CASE("a lone packet's latency is the closed form: (hops + 1) x pipeline + flits - 1") {
  // (0,0) -> (3,2) on a 4x4 mesh: 5 links, 6 routers at 2 cycles each, then the 3 flits behind the head.
  Mesh two(mesh_of(4, 4, 2, 4, 2));
  CHECK(latencies(two, {{0, 2 * 4 + 3, 4}}) == std::vector<int64_t>{15});
  // The same path at a 3-cycle pipeline, one flit: 6 x 3.
  Mesh three(mesh_of(4, 4, 2, 4, 3));
  CHECK(latencies(three, {{0, 2 * 4 + 3, 1}}) == std::vector<int64_t>{18});
  // To itself: through the one router, 1 x 2 + 7 flits behind the head.
  Mesh self(mesh_of(4, 4, 1, 2, 2));
  CHECK(latencies(self, {{5, 5, 8}}) == std::vector<int64_t>{9});
  // West and south (x first, then y): (3,3) -> (0,1) is 5 links as well.
  Mesh back(mesh_of(4, 4, 2, 4, 2));
  CHECK(latencies(back, {{15, 4, 4}}) == std::vector<int64_t>{15});
  CHECK(zero_load_latency(5, 4, 2) == 15);
}

TEST_CASE("packets from one source serialise on its injection channel") {
  // Two 4-flit packets created in the same cycle: the second's head enters 4 cycles after the first's.
  Mesh mesh(mesh_of(4, 4, 2, 4, 2));
  CHECK(latencies(mesh, {{0, 3, 4}, {0, 3, 4}}) == std::vector<int64_t>{11, 15});
}

TEST_CASE("a one-flit buffer passes one flit per credit round trip: pipeline + 1 cycles") {
  // One link, 2-cycle pipeline, 1-flit buffers: a flit leaves the first router every 3 cycles (it must wait
  // for the credit of the one before), so the tail of 4 flits arrives at 4 + 3 x 3 = 13, not at 2 x 2 + 3
  // = 7.
  Mesh mesh(mesh_of(2, 1, 1, 1, 2));
  CHECK(latencies(mesh, {{0, 1, 4}}) == std::vector<int64_t>{13});
}

TEST_CASE(
    "a router looks at a flit from the cycle it is ready, at any pipeline depth (its ring of ready masks)") {
  // A 1-cycle pipeline: a flit may leave in the cycle it enters. (0,0) -> (3,2) passes 6 routers.
  Mesh one(mesh_of(4, 4, 2, 4, 1));
  CHECK(latencies(one, {{0, 2 * 4 + 3, 4}}) == std::vector<int64_t>{6 * 1 + 3});
  // 5 cycles (a ring of 8 slots); with 1-flit buffers a body flit waits 6 cycles for each credit.
  Mesh five(mesh_of(4, 4, 2, 4, 5));
  CHECK(latencies(five, {{0, 2 * 4 + 3, 4}}) == std::vector<int64_t>{6 * 5 + 3});
  Mesh credit_bound(mesh_of(2, 1, 1, 1, 5));
  CHECK(latencies(credit_bound, {{0, 1, 3}}) == std::vector<int64_t>{2 * 5 + 2 * 6});
  // Under load, with fronts that a departure reveals before they are ready: no packet beats its zero-load
  // latency, and every one arrives (a VC whose readiness were missed would never drain).
  for (const int pipeline : {1, 3, 5}) {
    Mesh mesh(mesh_of(4, 4, 2, 2, pipeline));
    mesh.record_deliveries();
    std::mt19937_64 rng(11);
    int64_t arrived = 0;
    for (int cycle = 0; cycle < 20000 && (cycle < 1500 || !mesh.idle()); ++cycle) {
      if (cycle < 1500)
        for (int node = 0; node < 16; ++node)
          if (unit_draw(rng) < 0.1)
            mesh.send(node, static_cast<int>(rng() % 16), 1 + static_cast<int>(rng() % 4));
      mesh.step();
      REQUIRE(mesh.check_flow_control().empty());
      for (const Arrival& a : mesh.take_delivered()) {
        const int hops =
            std::abs(a.packet.src % 4 - a.packet.dst % 4) + std::abs(a.packet.src / 4 - a.packet.dst / 4);
        CHECK(a.cycle - a.packet.created >= zero_load_latency(hops, a.packet.flits, pipeline));
        ++arrived;
      }
    }
    CHECK(mesh.idle());
    CHECK(arrived == mesh.packets_sent());
    CHECK(arrived > 2000);
  }
}

TEST_CASE("under load every router passes on every flit it takes in, within its buffers and credits") {
  Mesh mesh(mesh_of(4, 4, 2, 3, 2));
  mesh.record_deliveries();
  std::mt19937_64 rng(7);
  int64_t flits = 0, arrived = 0;  // of the packets delivered
  const auto take = [&] {
    for (const Arrival& a : mesh.take_delivered()) {
      CHECK(a.cycle >= a.packet.created);
      flits += a.packet.flits;
      ++arrived;
    }
  };
  for (int cycle = 0; cycle < 2000; ++cycle) {
    for (int node = 0; node < 16; ++node)
      if (unit_draw(rng) < 0.12)
        mesh.send(node, static_cast<int>(rng() % 16), 1 + static_cast<int>(rng() % 5));
    mesh.step();
    REQUIRE(mesh.check_flow_control().empty());
    take();
  }
  while (!mesh.idle()) {
    mesh.step();
    REQUIRE(mesh.check_flow_control().empty());
    take();
  }
  CHECK(arrived == mesh.packets_sent());
  // The packet table holds the packets in flight at once, its slots reused: not every packet of the run.
  CHECK(mesh.packets_sent() > 3000);
  CHECK(mesh.packet_slots() < mesh.packets_sent() / 10);
  int64_t injected = 0, ejected = 0;
  for (int node = 0; node < 16; ++node) {
    CHECK(mesh.router(node).flits_in() == mesh.router(node).flits_out());
    CHECK(mesh.router(node).flits_in() > 0);
    injected += mesh.interface(node).flits_injected();
    ejected += mesh.interface(node).flits_ejected();
  }
  CHECK(injected == flits);
  CHECK(ejected == flits);
  // Every flit passes hops + 1 routers.
  int64_t router_passes = 0;
  for (int node = 0; node < 16; ++node) router_passes += mesh.router(node).flits_in();
  CHECK(router_passes == mesh.flit_hops() + flits);
}

TEST_CASE("a multicast flit is replicated at the tree's branch routers: each copy at its zero-load latency") {
  // From (1,1) on a 4x4 mesh to (3,1), (1,3), (3,3) and (1,1) itself: the XY tree is (1,1) east to (3,1) and
  // north to (1,3), and (3,1) north to (3,3): 6 links, where unicast copies would cross 2 + 2 + 4 = 8.
  Mesh mesh(mesh_of(4, 4, 2, 4, 2));
  mesh.record_deliveries();
  const int src = 1 * 4 + 1;
  const std::vector<int> dsts = {1 * 4 + 3, 3 * 4 + 1, 3 * 4 + 3, src};
  const int tree = mesh.add_tree(src, dsts);
  mesh.multicast(src, tree);
  std::map<int, int64_t> arrived;  // node -> cycle
  while (!mesh.idle()) {
    mesh.step();
    REQUIRE(mesh.check_flow_control().empty());
    for (const Arrival& a : mesh.take_delivered()) arrived[a.node] = mesh.cycle();
  }
  // (hops + 1) x 2 cycles, as a unicast flit: the branches go out in the same cycle.
  CHECK(arrived == std::map<int, int64_t>{{src, 2}, {1 * 4 + 3, 6}, {3 * 4 + 1, 6}, {3 * 4 + 3, 10}});
  CHECK(mesh.flit_hops() == 6);
  CHECK(mesh.interface(src).flits_injected() == 1);
  int64_t ejected = 0;
  for (int node = 0; node < 16; ++node) {
    CHECK(mesh.router(node).flits_in() == mesh.router(node).flits_out());
    ejected += mesh.interface(node).flits_ejected();
  }
  CHECK(ejected == 4);
  CHECK_THROWS_AS(mesh.multicast(0, tree), std::logic_error);  // a tree belongs to its source
}

TEST_CASE("multicast under load beside unicast worms drains with every copy delivered and credits kept") {
  Mesh mesh(mesh_of(4, 4, 2, 2, 2));
  mesh.record_deliveries();
  std::mt19937_64 rng(11);
  std::vector<int> trees(16);
  std::vector<int64_t> reach(16);  // distinct destinations of each node's tree (nodes 1 and 9 repeat one)
  for (int node = 0; node < 16; ++node) {
    const std::vector<int> dsts = {(node * 5 + 3) % 16, (node * 7 + 1) % 16, (node + 8) % 16};
    trees[static_cast<size_t>(node)] = mesh.add_tree(node, dsts);
    reach[static_cast<size_t>(node)] = static_cast<int64_t>(std::set<int>(dsts.begin(), dsts.end()).size());
  }
  int64_t addressed = 0, arrivals = 0, latency = 0;
  const auto take = [&] {
    for (const Arrival& a : mesh.take_delivered()) {
      latency += a.cycle - a.packet.created;
      ++arrivals;
    }
  };
  for (int cycle = 0; cycle < 3000; ++cycle) {
    for (int node = 0; node < 16; ++node) {
      const double u = unit_draw(rng);
      if (u < 0.08) {
        mesh.multicast(node, trees[static_cast<size_t>(node)]);
        addressed += reach[static_cast<size_t>(node)];
      } else if (u < 0.12) {
        const int flits = 1 + static_cast<int>(rng() % 6);
        mesh.send(node, static_cast<int>(rng() % 16), flits);
        addressed += flits;
      }
    }
    mesh.step();
    REQUIRE(mesh.check_flow_control().empty());
    take();
  }
  int64_t drain = 0;
  while (!mesh.idle()) {
    mesh.step();
    REQUIRE(mesh.check_flow_control().empty());
    REQUIRE(++drain < 100000);  // no deadlock
    take();
  }
  // The figures of the allocators before their one-asker fast paths (main at 926dfae, session 12): the
  // same grants in the same order give the same cycle of every arrival.
  CHECK(mesh.cycle() == 3008);
  CHECK(arrivals == 13032);
  CHECK(latency == 112586);
  CHECK(mesh.flit_hops() == 38266);
  int64_t ejected = 0;
  for (int node = 0; node < 16; ++node) {
    CHECK(mesh.router(node).flits_in() == mesh.router(node).flits_out());
    ejected += mesh.interface(node).flits_ejected();
  }
  CHECK(ejected == addressed);
  // A multicast packet's slot is free once every destination has its copy; then the table stays small.
  CHECK(mesh.packet_slots() < mesh.packets_sent() / 10);
}

TEST_CASE("loaded runs give the figures of the allocators before their fast paths, to the last cycle") {
  // Each pattern, one- to four-flit packets, 1 to 4 VCs, 1- to 8-flit buffers, pipelines 1 to 5, light to
  // saturated; the figures are main's at 926dfae (`neurokv noc ... --cycles 2000 --warmup 200 --json -`),
  // before the one-asker fast paths of VC and switch allocation (router.cpp), which must grant the same.
  struct Case {
    Traffic traffic;
    double rate;
    int packet_flits, vcs, buffer_flits, pipeline;
    int64_t cycles, flit_hops, measured_packets;
    double mean_latency;
  };
  const std::vector<Case> cases = {
      {Traffic::Uniform, 0.3, 4, 2, 4, 2, 2276, 220540, 9665, 27.837765131919298},
      {Traffic::Transpose, 0.2, 4, 3, 2, 3, 3233, 147320, 6330, 185.77093206951028},
      {Traffic::Hotspot, 0.2, 2, 1, 1, 1, 12745, 141654, 12909, 4753.6268494848555},
      {Traffic::BitComplement, 0.3, 1, 4, 8, 5, 4140, 338296, 38465, 850.487534121929},
      {Traffic::Uniform, 0.8, 1, 2, 4, 2, 5050, 593270, 102541, 1324.7445021991205},
  };
  for (const Case& c : cases) {
    SyntheticOptions options;
    options.traffic = c.traffic;
    options.rate = c.rate;
    options.packet_flits = c.packet_flits;
    options.warmup_cycles = 200;
    options.measure_cycles = 2000;
    const SyntheticResult r = run_synthetic(mesh_of(8, 8, c.vcs, c.buffer_flits, c.pipeline), options);
    INFO("traffic " << static_cast<int>(c.traffic) << " rate " << c.rate);
    CHECK(r.cycles == c.cycles);
    CHECK(r.flit_hops == c.flit_hops);
    CHECK(r.measured_packets == c.measured_packets);
    CHECK(r.mean_latency == Approx(c.mean_latency).epsilon(1e-15));
  }
}

TEST_CASE("a saturated 8x8 run drains (XY is deadlock-free) and accepts less than the bisection bound") {
  SyntheticOptions options;
  options.rate = 1.0;
  options.packet_flits = 4;
  options.warmup_cycles = 300;
  options.measure_cycles = 1500;
  const SyntheticResult r = run_synthetic(mesh_of(8, 8, 2, 4, 2), options);
  CHECK(r.measured_packets > 0);
  CHECK(r.offered > 0.95);
  CHECK(r.accepted < 0.5);  // 4 / k flits/node/cycle for uniform traffic on a k x k mesh
  CHECK(r.accepted > 0.25);
}

TEST_CASE("runs are deterministic: the same seed gives the same figures, another seed others") {
  SyntheticOptions options;
  options.rate = 0.3;
  options.warmup_cycles = 200;
  options.measure_cycles = 1000;
  const NocParams params = mesh_of(8, 8, 2, 4, 2);
  const SyntheticResult a = run_synthetic(params, options);
  const SyntheticResult b = run_synthetic(params, options);
  CHECK(a.mean_latency == b.mean_latency);
  CHECK(a.accepted == b.accepted);
  CHECK(a.flit_hops == b.flit_hops);
  CHECK(a.cycles == b.cycles);
  options.seed = 2;
  CHECK(run_synthetic(params, options).flit_hops != a.flit_hops);
}

TEST_CASE("uniform traffic on 8x8 saturates below 0.5 flits/node/cycle, transpose well below uniform") {
  // Saturated: the mesh no longer accepts what is offered. Uniform traffic's bound is the bisection's 0.5;
  // transpose's, under XY, is 1/7 (its busiest links carry 7 nodes' traffic), so at 0.2 it is saturated and
  // uniform is not.
  SyntheticOptions options;
  options.warmup_cycles = 1000;
  options.measure_cycles = 3000;
  const NocParams params = mesh_of(8, 8, 2, 4, 2);
  const auto at = [&](Traffic traffic, double rate) {
    options.traffic = traffic;
    options.rate = rate;
    return run_synthetic(params, options);
  };
  const SyntheticResult uniform_past = at(Traffic::Uniform, 0.8);
  CHECK(uniform_past.accepted < 0.5);
  CHECK(uniform_past.accepted > 0.3);
  const SyntheticResult uniform = at(Traffic::Uniform, 0.2);
  CHECK(uniform.accepted == Approx(uniform.offered).epsilon(0.02));
  CHECK(uniform.mean_latency < 1.5 * uniform.mean_zero_load);
  const SyntheticResult transpose = at(Traffic::Transpose, 0.2);
  CHECK(transpose.accepted < 0.9 * transpose.offered);
  CHECK(transpose.mean_latency > 10 * transpose.mean_zero_load);
  const SyntheticResult transpose_below = at(Traffic::Transpose, 0.1);
  CHECK(transpose_below.accepted == Approx(transpose_below.offered).epsilon(0.02));
  // Below saturation latency is near the zero-load closed form, never under it.
  const SyntheticResult light = at(Traffic::Uniform, 0.05);
  CHECK(light.accepted == Approx(light.offered).epsilon(0.05));
  CHECK(light.mean_latency >= light.mean_zero_load);
  CHECK(light.mean_latency < 1.2 * light.mean_zero_load);
}

TEST_CASE("synthetic patterns send where their definitions say") {
  std::mt19937_64 rng(1);
  const TrafficPattern transpose(Traffic::Transpose, 8, 8, 0);
  CHECK(transpose.destination(3 * 8 + 5, rng) == 5 * 8 + 3);
  const TrafficPattern complement(Traffic::BitComplement, 8, 8, 0);
  CHECK(complement.destination(0b001'010, rng) == 0b110'101);
  const TrafficPattern hotspot(Traffic::Hotspot, 8, 8, 1.0);
  CHECK(hotspot.destination(0, rng) == 4 * 8 + 4);
  CHECK_THROWS_AS(TrafficPattern(Traffic::Transpose, 4, 2, 0), InputError);
  CHECK(traffic_named("bitcomplement") == Traffic::BitComplement);
  CHECK_FALSE(traffic_named("tornado").has_value());
}

TEST_CASE("parameters out of range are refused, naming the parameter") {
  CHECK_THROWS_WITH(Mesh(mesh_of(8, 8, 0, 4, 2)), Catch::Contains("virtual channels is 0"));
  CHECK_THROWS_WITH(Mesh(mesh_of(8, 8, 2, 4, 0)), Catch::Contains("router pipeline cycles is 0"));
  SyntheticOptions options;
  options.rate = 1.5;
  CHECK_THROWS_WITH(run_synthetic(mesh_of(4, 4, 2, 4, 2), options), Catch::Contains("rate is 1.5"));
}

TEST_CASE(
    "the XY channel-load bound: 4/k for uniform traffic, 1/(k-1) for transpose, 2/k for bit complement") {
  // Hand-worked on 8x8: uniform's busiest links cross the bisection (k/4 = 2 flits per unit of injection);
  // transpose sends all 7 off-diagonal nodes of row 7 east over the link from column 6 to 7; bit complement
  // sends the 4 nodes of a row's west half across the middle.
  CHECK(1 / max_channel_load(Traffic::Uniform, 8, 8, 0) == Approx(0.5));
  CHECK(1 / max_channel_load(Traffic::Transpose, 8, 8, 0) == Approx(1.0 / 7));
  CHECK(1 / max_channel_load(Traffic::BitComplement, 8, 8, 0) == Approx(0.25));
  // A quarter of every node's packets to one node: its ejection channel takes 64 x 1/4 + 64 x 3/4 / 64
  // = 16.75 flits per unit of injection, more than any link.
  CHECK(max_channel_load(Traffic::Hotspot, 8, 8, 0.25) == Approx(16.75));
}
