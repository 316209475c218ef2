#pragma once
// The base θ of RoPE tables: the executor computes the rotation from θ (simulator/functional/), so the
// importer reads θ from the tables and checks that every entry is what θ gives.
#include <string>

#include "compiler/onnx/matched_model.hpp"

namespace neurokv::onnx_import {

// θ of `rope`'s tables, which must be [positions ≥ 2, head_dim] in rotate_half layout: row p, columns j and
// j + head_dim/2 both cos (sin) of p·θ^(−2j/head_dim), in fp32 as PyTorch computes them. Throws InputError
// naming `where` and the table for another shape or an entry more than 1e-4 from the θ row 1 gives.
double rope_theta(const Rope& rope, int head_dim, const std::string& where);

}  // namespace neurokv::onnx_import
