#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "compiler/config/hw_config.hpp"
#include "compiler/support/error.hpp"
#include "simulator/dram/device.hpp"

using neurokv::load_hw;
using neurokv::parse_hw;

namespace {
const std::string kHw = std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}
}  // namespace

TEST_CASE("the shipped chips load with the figures of docs/sources.md") {
  const auto a2 = load_hw("akida2-like", kHw);
  CHECK(a2.clock_hz == 1e9);
  CHECK(a2.nps_total() == 256);
  CHECK(a2.np.weight_sram_bytes == 51200);
  CHECK(a2.np.input_sram_bytes == 65536);
  CHECK(a2.np.weight_bits == std::vector<int>{4, 8});
  CHECK(a2.dram.present);
  CHECK(a2.dram_bytes_per_cycle() == Approx(25.6));
  CHECK(a2.energy.mac_pj.at(8) == Approx(0.113));

  const auto a1000 = load_hw("akd1000-like", kHw);
  CHECK(a1000.nodes() == 20);
  CHECK(a1000.nps_total() == 80);
  CHECK(a1000.clock_hz == 300e6);
  CHECK(a1000.np.weight_sram_bytes == 44800);
  CHECK(a1000.np.input_sram_bytes == 43008);

  const auto a1500 = load_hw("akd1500-like", kHw);
  CHECK(a1500.nodes() == 8);
  CHECK(a1500.nps_total() == 32);
  CHECK(a1500.clock_hz == 400e6);
}

TEST_CASE("the shipped energy coefficients are the arithmetic their assumed: text states") {
  // Horowitz ISSCC 2014 at 45 nm: 8-bit add 0.03 pJ, 8-bit multiply 0.2 pJ; x 0.62 to 28 nm, x 0.49 to 22 nm.
  const double add8 = 0.03, mul8 = 0.2;
  const auto within = [](double value, double arithmetic) {
    return Approx(arithmetic).epsilon(0.02) == value;
  };
  for (const auto& [name, node] : {std::pair<const char*, double>{"akd1000-like", 0.62},
                                   {"akd1500-like", 0.49},
                                   {"akida2-like", 0.49}}) {
    INFO(name);
    const auto e = load_hw(name, kHw).energy;
    CHECK(within(e.softmax_pj_per_element, add8 * 2 * node));  // a shift and an add
    if (e.mac_pj.count(1)) CHECK(within(e.mac_pj.at(1), add8 / 4 * node));
    if (e.mac_pj.count(2)) CHECK(within(e.mac_pj.at(2), (mul8 / 16 + add8 / 4) * node));
    if (e.mac_pj.count(4)) CHECK(within(e.mac_pj.at(4), (mul8 / 4 + add8 / 2) * node));
    if (e.mac_pj.count(8)) CHECK(within(e.mac_pj.at(8), (mul8 + add8) * node));
  }
}

TEST_CASE("the shipped chips name their DRAM device, and stream at its pin rate") {
  for (const char* name : {"akida2-like", "akd1000-like", "akd1500-like"}) {
    INFO(name);
    const auto hw = load_hw(name, kHw);
    const neurokv::dram::Device& device = neurokv::dram::find_device(hw.dram.device);
    CHECK(hw.dram.bandwidth_bytes_per_s == Approx(device.peak_bytes_per_s() * hw.dram.channels));
    CHECK(hw.dram.burst_bytes % device.burst_bytes() == 0);
    CHECK(hw.provenance.at("dram.device").find("DRAMSys") != std::string::npos);
  }
  CHECK(load_hw("akida2-like", kHw).dram.device == "lpddr4x-3200");
  CHECK(load_hw("akida2-like", kHw).dram.channels == 4);
  CHECK(load_hw("akd1000-like", kHw).dram.device == "lpddr4-3200");
}

TEST_CASE("each DRAM channel attaches to a mesh node: given, or from the DMA point (0,0) on") {
  CHECK(load_hw("akida2-like", kHw).dram.attach_nodes == std::vector<int>{0, 1, 2, 3});
  CHECK(load_hw("akd1500-like", kHw).dram.attach_nodes == std::vector<int>{0});
  CHECK(load_hw("akd1000-like", kHw).dram.attach_nodes == std::vector<int>{0});
  CHECK(load_hw("akida2-like", kHw).provenance.at("dram.attach_nodes").find("assumed") == 0);
  // The default: channel c at node c, wrapping round a mesh of fewer nodes than channels.
  CHECK(neurokv::default_attach_nodes(1, 20) == std::vector<int>{0});
  CHECK(neurokv::default_attach_nodes(4, 64) == std::vector<int>{0, 1, 2, 3});
  CHECK(neurokv::default_attach_nodes(3, 2) == std::vector<int>{0, 1, 0});
  const std::string good = read(kHw + "/akida2-like.yaml");
  const std::string line =
      good.substr(good.find("  attach_nodes:"),
                  good.find('\n', good.find("  attach_nodes:")) - good.find("  attach_nodes:") + 1);
  CHECK(parse_hw(replaced(good, line, ""), "c.yaml").dram.attach_nodes == std::vector<int>{0, 1, 2, 3});
  CHECK(parse_hw(replaced(good, "value: [0, 1, 2, 3]", "value: [63, 0, 9, 9]"), "c.yaml").dram.attach_nodes ==
        std::vector<int>{63, 0, 9, 9});
}

TEST_CASE("a chip without a DRAM device keeps today's DRAM keys, and the device does not bound them") {
  const std::string good = read(kHw + "/akida2-like.yaml");
  const std::string device_line = "  device: lpddr4x-3200";
  std::string text = good;
  // The device, its channels and where they attach: the three lines go together.
  text.erase(text.find(device_line),
             text.find('\n', text.find("  attach_nodes:")) - text.find(device_line) + 1);
  const auto hw = parse_hw(text, "c.yaml");
  CHECK(hw.dram.device.empty());
  CHECK(hw.dram.channels == 0);
  CHECK(hw.dram_bytes_per_cycle() == Approx(25.6));
  // The transaction model's bandwidth is a what-if knob: above or below the device's pin rate, it loads.
  CHECK(parse_hw(replaced(good, "value: 25.6e9", "value: 51.2e9"), "c.yaml").dram.bandwidth_bytes_per_s ==
        51.2e9);
  CHECK(parse_hw(replaced(good, "value: 25.6e9", "value: 3.2e9"), "c.yaml").dram.device == "lpddr4x-3200");
}

TEST_CASE("every number in a shipped chip keeps its provenance") {
  for (const char* name : {"akida2-like", "akd1000-like", "akd1500-like"}) {
    const auto hw = load_hw(name, kHw);
    CHECK(hw.provenance.size() >= 25);
    for (const auto& [key, text] : hw.provenance) {
      INFO(name << " " << key);
      CHECK((text.rfind("source: ", 0) == 0 || text.rfind("assumed: ", 0) == 0));
      CHECK(text.size() > 12);
    }
  }
}

TEST_CASE("bad chip files are refused with the place and what was expected") {
  const std::string good = read(kHw + "/akida2-like.yaml");
  REQUIRE_NOTHROW(parse_hw(good, "c.yaml"));
  CHECK_THROWS_WITH(parse_hw(replaced(good, "nps: {value: 4,", "nps: {value: 0,"), "c.yaml"),
                    Catch::Contains("c.yaml:12:16: 'node.nps.value' is 0, expected a number in [1, 64]"));
  CHECK_THROWS_WITH(parse_hw(replaced(good, "cols: {value: 8,", "cols: {value: -8,"), "c.yaml"),
                    Catch::Contains("c.yaml:9:17: 'mesh.cols.value' is -8"));
  CHECK_THROWS_WITH(
      parse_hw(replaced(good, "clock_hz: {value: 1.0e9, source: \"AKD2500 (Akida 2) 1 GHz target clock\"}",
                        "clock_hz: 1.0e9"),
               "c.yaml"),
      Catch::Contains("'clock_hz' has no provenance"));
  CHECK_THROWS_WITH(
      parse_hw(
          replaced(good, "latency_ns: {value: 100, assumed:", "latency_ns: {value: 100, source: x, assumed:"),
          "c.yaml"),
      Catch::Contains("needs exactly one of 'source', 'assumed' or 'fitted'"));
  CHECK_THROWS_WITH(parse_hw(replaced(good, "    8: {value: 0.113,", "    16: {value: 0.113,"), "c.yaml"),
                    Catch::Contains("no entry for 8-bit weights"));
  CHECK_THROWS_WITH(parse_hw(replaced(good, "mac_lanes:", "mac_lane:"), "c.yaml"),
                    Catch::Contains("missing key 'np.mac_lanes'"));
  CHECK_THROWS_WITH(parse_hw(good + "turbo: {value: 1, assumed: fast}\n", "c.yaml"),
                    Catch::Contains("unknown key 'turbo'"));
}

TEST_CASE("an input SRAM too small for a KV byte is refused") {
  // Half of it is the KV budget: one byte would leave none (plan_kv_cache divided by it).
  const std::string good = read(kHw + "/akida2-like.yaml");
  const auto at = good.find("input_sram_bytes: {value: ");
  REQUIRE(at != std::string::npos);
  const auto value = at + std::string("input_sram_bytes: {value: ").size();
  std::string one = good;
  one.replace(value, good.find(',', value) - value, "1");
  CHECK_THROWS_WITH(parse_hw(one, "c.yaml"),
                    Catch::Contains("'np.input_sram_bytes.value' is 1, expected a number in [2,"));
  std::string two = good;
  two.replace(value, good.find(',', value) - value, "2");
  CHECK(parse_hw(two, "c.yaml").np.input_sram_bytes == 2);
}

TEST_CASE("a chip without DRAM omits the section") {
  const std::string good = read(kHw + "/akida2-like.yaml");
  const auto begin = good.find("dram:\n");
  const auto end = good.find("energy:\n");
  const auto hw = parse_hw(good.substr(0, begin) + good.substr(end), "c.yaml");
  CHECK_FALSE(hw.dram.present);
}
