#include "simulator/transaction/result_wire.hpp"

#include <cstring>
#include <type_traits>

#include "compiler/support/error.hpp"

namespace neurokv::transaction {
namespace {

class Writer {
 public:
  template <typename T>
  void put(T value) {
    static_assert(std::is_arithmetic_v<T>);
    out_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void put(const std::string& s) {
    put<uint64_t>(s.size());
    out_ += s;
  }
  void put(const EnergyBreakdown& e) {
    for (const auto& [name, field] : EnergyBreakdown::fields()) put(e.*field);
  }
  void put(const PhaseReport& p) {
    for (double v : {p.macs, p.synaptic_ops, p.events, p.sram_bytes, p.dram_bytes, p.noc_hop_bytes, p.cycles})
      put(v);
    put(p.bound);
    put(p.chunk_tokens);
    put(p.latency_s);
    put(p.tokens_per_s);
    put(p.energy);
    put(p.activation_sparsity);
  }
  void put(const FabricCounts& f) {
    for (int64_t v : {f.packets, f.flits_injected, f.flits_ejected, f.flits_addressed, f.router_flits_in,
                      f.router_flits_out, f.flit_hops, f.dram_requests, f.dram_bursts, f.dram_row_hits,
                      f.dram_row_misses, f.dram_row_conflicts})
      put(v);
    put(f.flow_control);
  }
  void put(const LayerCost& l) {
    put(l.layer);
    put(l.cycles);
    put(l.energy);
  }
  template <typename T>
  void put(const std::vector<T>& items) {
    put<uint64_t>(items.size());
    for (const T& item : items) put(item);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  template <typename T>
  void get(T& value) {
    static_assert(std::is_arithmetic_v<T>);
    need(sizeof value);
    std::memcpy(&value, in_.data() + at_, sizeof value);
    at_ += sizeof value;
  }
  void get(std::string& s) {
    uint64_t size = 0;
    get(size);
    need(size);
    s.assign(in_, at_, size);
    at_ += size;
  }
  void get(EnergyBreakdown& e) {
    for (const auto& [name, field] : EnergyBreakdown::fields()) get(e.*field);
  }
  void get(PhaseReport& p) {
    for (double* v :
         {&p.macs, &p.synaptic_ops, &p.events, &p.sram_bytes, &p.dram_bytes, &p.noc_hop_bytes, &p.cycles}) {
      get(*v);
    }
    get(p.bound);
    get(p.chunk_tokens);
    get(p.latency_s);
    get(p.tokens_per_s);
    get(p.energy);
    get(p.activation_sparsity);
  }
  void get(FabricCounts& f) {
    for (int64_t* v : {&f.packets, &f.flits_injected, &f.flits_ejected, &f.flits_addressed,
                       &f.router_flits_in, &f.router_flits_out, &f.flit_hops, &f.dram_requests,
                       &f.dram_bursts, &f.dram_row_hits, &f.dram_row_misses, &f.dram_row_conflicts})
      get(*v);
    get(f.flow_control);
  }
  void get(LayerCost& l) {
    get(l.layer);
    get(l.cycles);
    get(l.energy);
  }
  template <typename T>
  void get(std::vector<T>& items) {
    uint64_t size = 0;
    get(size);
    if (size > in_.size()) throw RunError("the simulation's result is malformed");
    items.resize(size);
    for (T& item : items) get(item);
  }
  bool done() const { return at_ == in_.size(); }

 private:
  void need(size_t n) const {
    if (in_.size() - at_ < n) throw RunError("the simulation's result is truncated");
  }
  const std::string& in_;
  size_t at_ = 0;
};

}  // namespace

std::string encode(const SimulationResult& r) {
  Writer w;
  w.put<uint8_t>(r.prefill.has_value());
  if (r.prefill) w.put(*r.prefill);
  w.put(r.decode_tokens);
  w.put(r.decode);
  w.put(r.decode_layers);
  w.put(r.peak_np_queue_bytes);
  w.put(r.peak_queue_bytes);
  w.put(r.peak_np_prefill_queue_bytes);
  w.put(r.peak_prefill_queue_bytes);
  w.put(r.events_sent);
  w.put(r.events_received);
  w.put(r.cycles);
  w.put<uint8_t>(r.fabric.has_value());
  if (r.fabric) w.put(*r.fabric);
  return w.take();
}

SimulationResult decode(const std::string& bytes) {
  Reader r(bytes);
  SimulationResult result;
  uint8_t has_prefill = 0;
  r.get(has_prefill);
  if (has_prefill) r.get(result.prefill.emplace());
  r.get(result.decode_tokens);
  r.get(result.decode);
  r.get(result.decode_layers);
  r.get(result.peak_np_queue_bytes);
  r.get(result.peak_queue_bytes);
  r.get(result.peak_np_prefill_queue_bytes);
  r.get(result.peak_prefill_queue_bytes);
  r.get(result.events_sent);
  r.get(result.events_received);
  r.get(result.cycles);
  uint8_t has_fabric = 0;
  r.get(has_fabric);
  if (has_fabric) r.get(result.fabric.emplace());
  if (!r.done()) throw RunError("the simulation's result has trailing bytes");
  return result;
}

}  // namespace neurokv::transaction
