#pragma once
// The input frames a CNN program executes (docs/executor.md "CNN execution"): 8-bit images or spectrograms at
// the model's input shape, height × width × channels per frame in HWC order, as the chip's DMA feeds its HRC.
// From a raw file (`--frames FILE`: frames back to back, nothing else), or synthetic: uniform noise from a
// seed, for a model that has no data set at hand (every figure measured on them says so).
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/config/cnn_spec.hpp"

namespace neurokv::functional {

struct CnnFrames {
  Shape3 shape;                 // of one frame
  std::vector<uint8_t> pixels;  // frame after frame, each height × width × channels in HWC order
  std::string source;           // what they are, for reports: "FILE (N frames)" or "N synthetic frames (...)"

  int64_t count() const {
    return shape.elements() > 0 ? static_cast<int64_t>(pixels.size()) / shape.elements() : 0;
  }
  const uint8_t* frame(int64_t i) const { return pixels.data() + i * shape.elements(); }
};

// The frames of a raw uint8 file. An empty file, or one whose size is not a multiple of one frame, is an
// InputError naming the file, its size and the frame size expected.
CnnFrames read_frames(const std::string& path, const Shape3& shape);

// `count` frames of independent uniform bytes 0..255 from a std::mt19937_64 seeded with `seed` through a
// std::seed_seq (so not the stream synthetic weights of the same seed draw from).
CnnFrames synthetic_frames(const Shape3& shape, int64_t count, uint64_t seed);

}  // namespace neurokv::functional
