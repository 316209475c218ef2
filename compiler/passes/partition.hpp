#pragma once
// Splits every op into NP tiles and decides which weights stay resident in NP weight SRAM and which stream
// from DRAM.
//   Linear and embedding tables: by output channels (a table is a Linear from a one-hot row: its channels are
//     the d_model columns), as many channels per tile as fit one NP's weight SRAM, spread evenly.
//     Tile bytes = channels × (in_features × bits + bias bits) / 8, rounded up.
//   Tied token embedding: its table is the LM head's (vocab channels); Embed is one weightless tile that
//   reads
//     the token's row where the LM head keeps it, and follows the LM head's storage.
//   LayerNorm: one tile holding gain and bias. Add, Gelu, KvAppend: one tile.
//   AttnScore, Softmax, AttnValue: one tile per query head; KvRead: one tile per KV head.
// Residency: if every weight tile fits the chip's NPs (next-fit in model order), all are resident. Otherwise
// a quarter of the NPs become the streaming pool (Akida's FNP2: weights fetched from external memory) and, in
// model order, each op stays resident whole on the other NPs if its tiles still fit (next-fit); the rest
// stream. A streamed op's tiles go round the pool one tile per NP per pass; each streamed op starts a new
// pass, so a pass loads one op's weights.
#include "compiler/config/hw_config.hpp"
#include "compiler/passes/pass.hpp"

namespace neurokv::passes {

// A program's tile limit: 37x the largest shipped pair (paper-1.2b on akd1000-like, 28,388 tiles); a program
// this size compiles in seconds and a few hundred MB.
constexpr int64_t kMaxProgramTiles = int64_t{1} << 20;

// The share of NPs that takes streamed weights when not everything is resident.
constexpr int kStreamPoolDivisor = 4;

// Throws MappingError naming the op, the bytes it needs and what the chip has, when one output channel does
// not fit an NP's weight SRAM, when the weights do not fit and the chip has no DRAM, or when the program
// would take more than kMaxProgramTiles tiles.
void partition(Graph& graph, const HwConfig& hw, Diagnostics& diagnostics);

}  // namespace neurokv::passes
