#pragma once
// String building shared by the modules.
#include <initializer_list>
#include <string>
#include <string_view>

namespace pm {

// Concatenates the parts into one string with a single allocation, where a chain of `+`
// allocates a temporary per step: str_cat({"Job '", job.id, "' runs `", what, "`"}).
inline std::string str_cat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (const std::string_view p : parts) size += p.size();
  std::string out;
  out.reserve(size);
  for (const std::string_view p : parts) out.append(p);
  return out;
}

}  // namespace pm
