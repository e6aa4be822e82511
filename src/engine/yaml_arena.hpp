#pragma once
// What the two parsers behind yaml::parse share: yaml.cpp (libyaml events)
// and yaml_fast.cpp (the block-style subset) build their trees in this bump
// allocator and resolve "<<" merge keys the same way.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

#include "engine/yaml.hpp"

namespace pm::engine::yaml {

// A bump allocator: the nodes' text and child arrays of one ParseResult.
// Chunks grow geometrically (up to a cap) and are released all at once.
class Arena {
 public:
  explicit Arena(std::size_t first_chunk) : next_size_(std::clamp(first_chunk, kMinChunk, kMaxChunk)) {}

  void* allocate(std::size_t bytes, std::size_t align) {
    std::size_t at = (used_ + align - 1) & ~(align - 1);
    if (chunks_.empty() || at + bytes > capacity_) {
      const std::size_t size = std::max(next_size_, bytes + align);
      chunks_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
      capacity_ = size;
      at = 0;  // operator new[] returns memory aligned for any fundamental type
      next_size_ = std::min(size * 2, kMaxChunk);
    }
    used_ = at + bytes;
    return chunks_.back().get() + at;
  }

  template <class T>
  T* array(std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    return static_cast<T*>(allocate(n * sizeof(T), alignof(T)));
  }

  std::string_view copy(const char* text, std::size_t n) {
    if (n == 0) return {};
    char* out = array<char>(n);
    std::memcpy(out, text, n);
    return {out, n};
  }

 private:
  static constexpr std::size_t kMinChunk = 4096;
  static constexpr std::size_t kMaxChunk = std::size_t{8} << 20;
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  std::size_t capacity_ = 0;
  std::size_t used_ = 0;
  std::size_t next_size_;
};

namespace detail {
// Resolves `<<` entries of a finished mapping: the merged mapping's entries
// take the position of the `<<` key; keys written explicitly in the mapping
// win, and among several merged mappings the first one wins.
void resolve_merges(Node& map, Arena& arena);
}  // namespace detail

}  // namespace pm::engine::yaml
