#pragma once
// The Graph IR: one transformer as a Boost.Graph. Vertices are ops, edges are the tensors between them; the
// graph-level bundle carries what the passes decide about the whole program (precision, KV buffers, routes,
// schedules). Passes transform it; `lower` turns the final graph into an ir::Program.
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/program.hpp"

namespace neurokv::graph {

// A tensor flowing from one op to another. `slot` is the operand position at the consumer (AttnScore: 0
// query, 1 keys; AttnValue: 0 probabilities, 1 values; Add: 0 residual, 1 branch). `via_buffer`: the consumer
// reads what the producer wrote into a KV buffer (KvAppend -> KvRead); it orders the ops but carries no
// events.
struct Tensor {
  int slot = 0;
  int64_t width = 0;
  int bits = 0;
  bool via_buffer = false;
};

// What the passes decide for the whole program. Before lowering, op references in `routes`, `decode` and
// `prefill` are vertex indices, not ir::Op ids; `lower` renumbers them.
struct ProgramInfo {
  ir::ModelInfo model;
  std::string variant;
  int kv_heads = 0;
  ir::Precision precision;
  int64_t context = 0;
  bool fused_kv = false;
  bool tied_lm_head = false;
  std::vector<ir::Buffer> buffers;
  int stream_pool_nps = 0;  // partition: NPs that take streamed weights pass by pass (0: all resident)
  std::vector<ir::Route> routes;
  std::vector<ir::Step> decode;
  std::vector<ir::Step> prefill;
};

// A vertex is an ir::Op: the Event IR's own op record. In the graph its `id` and `inputs` are unused (edges
// carry the inputs), and `tied_to` is a vertex index.
using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, ir::Op, Tensor, ProgramInfo>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

Vertex add_op(Graph& graph, ir::Op op);
// Adds the tensor producer -> consumer at operand `slot`, as wide as the producer's output.
void connect(Graph& graph, Vertex producer, Vertex consumer, int slot, bool via_buffer = false);
// The vertex named `name`; throws RunError if there is none (passes look up ops the frontend made: a miss is
// a broken invariant, not bad input).
Vertex find_op(const Graph& graph, const std::string& name);
// Removes an op and its edges; other vertices keep their order (indices above it shift down, tied_to
// follows).
void remove_op(Graph& graph, Vertex v);
// Sets an op's output width and the width of every tensor it produces.
void set_out_features(Graph& graph, Vertex v, int64_t width);
// The op's input edges ordered by slot.
std::vector<Edge> inputs_by_slot(const Graph& graph, Vertex v);

// The LM head when it is tied to the token embedding (its tied_to names the Embed op).
std::optional<Vertex> tied_lm_head(const Graph& graph);

// The name of a decoder layer's op: "l{layer}.{role}", e.g. "l3.k_proj". The frontend names ops with it and
// passes find them by it.
std::string layer_op_name(int layer, const std::string& role);

// Ops whose output is a key/value tensor (g KV heads wide): the K and V projections, KvAppend and KvRead,
// and the keys' QK-norm and RoPE.
bool carries_kv(const ir::Op& op);

// Ops tiled by heads rather than channels: AttnScore, Softmax, AttnValue by query heads, KvRead by KV heads.
bool is_head_split(ir::OpKind kind);

}  // namespace neurokv::graph
