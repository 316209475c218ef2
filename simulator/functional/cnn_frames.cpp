#include "simulator/functional/cnn_frames.hpp"

#include <fmt/format.h>

#include <random>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"

namespace neurokv::functional {

CnnFrames read_frames(const std::string& path, const Shape3& shape) {
  const std::string bytes = read_whole_file(path, "a raw file of uint8 frames");
  const auto frame = static_cast<std::size_t>(shape.elements());
  if (bytes.empty() || bytes.size() % frame != 0) {
    throw InputError(fmt::format(
        "{}: {} bytes, expected a non-zero multiple of one frame's {} bytes ({}x{}x{} uint8, HWC order)",
        path, bytes.size(), frame, shape.height, shape.width, shape.channels));
  }
  CnnFrames frames;
  frames.shape = shape;
  frames.pixels.assign(bytes.begin(), bytes.end());
  frames.source = fmt::format("{} ({} frame{})", path, frames.count(), frames.count() == 1 ? "" : "s");
  return frames;
}

CnnFrames synthetic_frames(const Shape3& shape, int64_t count, uint64_t seed) {
  CnnFrames frames;
  frames.shape = shape;
  frames.pixels.resize(static_cast<std::size_t>(shape.elements() * count));
  // Through a seed_seq: a stream other than the one synthetic weights of the same seed draw from.
  std::seed_seq sequence{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)};
  std::mt19937_64 rng(sequence);
  std::uniform_int_distribution<int> byte(0, 255);
  for (uint8_t& p : frames.pixels) p = static_cast<uint8_t>(byte(rng));
  frames.source =
      fmt::format("{} synthetic frame{} (uniform random bytes, seed {})", count, count == 1 ? "" : "s", seed);
  return frames;
}

}  // namespace neurokv::functional
