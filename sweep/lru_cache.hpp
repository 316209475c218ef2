#pragma once
// The last `capacity` values a sweep made, shared between worker threads: points are taken in index order,
// so the points that share a chip, a program or its counts are near each other, and a sweep of any size
// holds a bounded number of them.
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

namespace neurokv::sweep {

template <typename Key, typename Value>
class LruCache {
 public:
  explicit LruCache(std::size_t capacity) : capacity_(capacity) {}

  // The value kept for `key`, or nullptr.
  std::shared_ptr<const Value> find(const Key& key) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto hit = values_.find(key);
    return hit == values_.end() ? nullptr : hit->second;
  }

  // Keeps `value` unless another thread kept one for `key` first; returns the kept one. The oldest value
  // goes when the cache is full (its holders keep it alive until they are done).
  std::shared_ptr<const Value> insert(const Key& key, std::shared_ptr<const Value> value) {
    // Destroyed after the lock is released: freeing an evicted program took 8 % of a structural sweep,
    // and the other workers would wait for it.
    std::shared_ptr<const Value> evicted;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto [kept, added] = values_.emplace(key, std::move(value));
    if (added) {
      order_.push_back(key);
      if (order_.size() > capacity_) {
        const auto oldest = values_.find(order_.front());
        evicted = std::move(oldest->second);
        values_.erase(oldest);
        order_.pop_front();
      }
    }
    return kept->second;
  }

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<Key, std::shared_ptr<const Value>> values_;
  std::deque<Key> order_;  // oldest first
};

}  // namespace neurokv::sweep
