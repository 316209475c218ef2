#pragma once
// Runs a compiled CNN program (network=cnn) on input frames, the way the chip does: layer after layer, each
// layer tile by tile (a tile computes the output rows whose windows are centred in its band of input rows,
// for its group of filters), and counts the events every tile receives: the non-zero input activations of its
// band and of the halo rows its windows read beyond it (docs/executor.md "CNN execution" defines both, and
// the two numerics). The layers' measured input densities (events ÷ the input values the frame cost counts)
// replace the assumed ones when a frame is costed with measured events (study/cnn_estimate.hpp).
// Frames run side by side on the Workers, each frame's layers on one thread: the same bytes for any number
// of threads.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/config/model_weights.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/functional/cnn_frames.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/workers.hpp"

namespace neurokv::functional {

// One tile of a layer, summed over the frames: what it computes and what it receives.
struct CnnTileEvents {
  int64_t out_row_begin = 0, out_row_end = 0;  // output rows it computes (before pooling); a dense tile: 0..1
  int64_t read_row_begin = 0, read_row_end = 0;  // input rows it receives: its band and its halo
  int64_t channel_begin = 0, channel_end = 0;    // input channels it receives (a depthwise tile: its own)
  int64_t band_events = 0;                       // non-zero inputs in its band's rows and its channels
  int64_t halo_events = 0;                       // non-zero inputs in the rows read beyond its band
  int64_t events() const { return band_events + halo_events; }
};

struct CnnLayerEvents {
  std::string name;
  bool on_hrc = false;  // the HRC does not skip zeros: its events are counted, its cost stays dense
  int64_t offered = 0;  // input values over all frames: frames × height × width × channels (the frame cost's)
  int64_t events = 0;  // non-zero input values over all frames, each position once
  std::vector<CnnTileEvents> tiles;
  double density() const {
    return offered > 0 ? static_cast<double>(events) / static_cast<double>(offered) : 0;
  }
};

struct CnnExecution {
  Numerics numerics = Numerics::Int;
  int64_t frames = 0;
  std::vector<CnnLayerEvents> layers;       // [op]
  std::vector<std::vector<float>> outputs;  // [frame]: the last layer's outputs (class scores)
  // Integer numerics: each op's output step (0 for the last op, whose potentials are the output,
  // unquantised); empty for float.
  std::vector<double> steps;
  // Every op's largest |output| over the frames (a float run's is what max calibration keeps).
  std::vector<double> max_abs;

  // The frame's most likely class: the first largest output.
  int top_class(int64_t frame) const;
};

// Runs every frame through `program` (a CNN program: InputError naming `where` otherwise) with `weights` in
// the ModelWeights contract (checked: check_cnn_weights), in float or in the program's integer widths (the
// activation steps calibrated on these frames by a float run first, unless bounded ReLU fixes them).
CnnExecution execute_cnn(const ir::Program& program, const ModelWeights& weights, const CnnFrames& frames,
                         Numerics numerics, const Workers& workers = Workers(),
                         const std::string& where = "the weights");
// Integer numerics with the activation steps calibrated on `reference`, the float run (execute_cnn) of the
// same program, weights and frames: what execute_cnn in integer numerics does, for a caller that keeps the
// float run too.
CnnExecution execute_cnn_int(const ir::Program& program, const ModelWeights& weights, const CnnFrames& frames,
                             const CnnExecution& reference, const Workers& workers = Workers(),
                             const std::string& where = "the weights");

}  // namespace neurokv::functional
