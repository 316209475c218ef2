#pragma once
// A route's destination tiles. Every route of a tensor to a consumer tiled by channels goes to all its tiles,
// so a program lists the same tiles thousands of times: a list is built once, never changed, and shared by
// every route that goes to it, so making, copying and destroying a program's routes does not allocate a list
// per route, and routes that share a list are known to share it without comparing the tiles.
#include <initializer_list>
#include <memory>
#include <vector>

namespace neurokv::ir {

class TileList {
 public:
  TileList() = default;
  TileList(std::vector<int> tiles)  // NOLINT(google-explicit-constructor): assigned like the vector it holds
      : tiles_(tiles.empty() ? nullptr : std::make_shared<const std::vector<int>>(std::move(tiles))) {}
  TileList(std::initializer_list<int> tiles) : TileList(std::vector<int>(tiles)) {}

  const std::vector<int>& tiles() const { return tiles_ ? *tiles_ : empty_list(); }
  std::vector<int>::const_iterator begin() const { return tiles().begin(); }
  std::vector<int>::const_iterator end() const { return tiles().end(); }
  std::size_t size() const { return tiles_ ? tiles_->size() : 0; }
  bool empty() const { return size() == 0; }
  int front() const { return tiles().front(); }
  int operator[](std::size_t i) const { return (*tiles_)[i]; }

  // The list's identity: the same for routes that share it (a shared list's address).
  const void* identity() const { return tiles_.get(); }

  friend bool operator==(const TileList& a, const TileList& b) {
    return a.tiles_ == b.tiles_ || a.tiles() == b.tiles();
  }
  friend bool operator!=(const TileList& a, const TileList& b) { return !(a == b); }

 private:
  static const std::vector<int>& empty_list() {
    static const std::vector<int> none;
    return none;
  }
  std::shared_ptr<const std::vector<int>> tiles_;  // null when empty
};

}  // namespace neurokv::ir
