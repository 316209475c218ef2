#pragma once
// The .nkir line kinds and their fields, in one place for the printer, the parser and docs/ir.md. Keys are
// the field names of program.hpp, except where a value spans members: a tile's out=begin..end and a route's
// source tile %op.tile.
#include "compiler/ir/line_fields.hpp"
#include "compiler/ir/program.hpp"
#include "compiler/ir/text_values.hpp"

namespace neurokv::ir::text {

const LineFields<ModelInfo>& model_line();  // model NAME layers=... d_model=...
const LineFields<Program>& variant_line();  // variant NOTATION kv_heads=G
const LineFields<ChipInfo>& chip_line();    // chip NAME mesh_cols=... has_dram=yes
const LineFields<Precision>& precision_line();
const LineFields<Program>& context_line();   // context TOKENS
const LineFields<Program>& fused_kv_line();  // fused_kv yes|no
const LineFields<Buffer>& buffer_line();     // buffer @I NAME ... (the id is written by the caller)
const LineFields<Op>& op_line();             // op %I NAME KIND ...
const LineFields<Tile>& tile_line();         //   tile I np=(x,y,np) out=B..E ...
const LineFields<Route>& route_line();       // route %OP.TILE dst=%OP tiles=... hops=N
const LineFields<Step>& step_line();         //   step %OP wave=W waits=...

// A buffer's id as @I (buffers have no id member: the id is the position).
constexpr Integer<int> kBufferId{0, static_cast<int>(kMaxCount), '@'};

}  // namespace neurokv::ir::text
