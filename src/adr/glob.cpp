#include "adr/glob.hpp"

#include <algorithm>

namespace pm::adr {
namespace {

constexpr std::size_t kNoGroup = std::string::npos;

// The first top-level {...} group of `p` whose braces balance: [open, close]
// indexes, open == kNoGroup when there is none (unbalanced braces are literal).
std::pair<std::size_t, std::size_t> first_group(std::string_view p) {
  std::size_t open = kNoGroup;
  int depth = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '{') {
      if (depth == 0) open = i;
      ++depth;
    } else if (p[i] == '}' && depth > 0 && --depth == 0) {
      return {open, i};
    }
  }
  return {kNoGroup, 0};
}

int brace_depth(std::string_view p) {
  int depth = 0, deepest = 0;
  for (char c : p) {
    if (c == '{') deepest = std::max(deepest, ++depth);
    if (c == '}' && depth > 0) --depth;
  }
  return deepest;
}

// Brace expansion with a work list instead of recursion. Every item of the
// list yields at least one alternative, so capping list + results caps the
// work; no item is longer than the pattern.
Result<std::vector<std::string>> expand_braces(std::string_view pattern, Budget& budget) {
  std::vector<std::string> done;
  std::vector<std::string> work{std::string(pattern)};
  std::size_t total = 0;
  while (!work.empty()) {
    std::string p = std::move(work.back());
    work.pop_back();
    if (!budget.step(p.size() + 1)) return Error::invalid_input("stopped");
    const auto [open, close] = first_group(p);
    if (open == kNoGroup) {
      total += p.size();
      if (total > kMaxBraceExpandedBytes) {
        return Error::invalid_input("its brace expansion exceeds " + std::to_string(kMaxBraceExpandedBytes) + " bytes");
      }
      if (!budget.charge(p.size() + sizeof(std::string))) return Error::invalid_input("stopped");
      done.push_back(std::move(p));
      continue;
    }
    // The group body split on commas at nesting depth 0.
    std::vector<std::string_view> parts;
    const std::string_view body = std::string_view(p).substr(open + 1, close - open - 1);
    std::size_t start = 0;
    int d = 0;
    for (std::size_t j = 0; j < body.size(); ++j) {
      if (body[j] == '{') ++d;
      if (body[j] == '}') --d;
      if (body[j] == ',' && d == 0) {
        parts.push_back(body.substr(start, j - start));
        start = j + 1;
      }
    }
    parts.push_back(body.substr(start));
    if (done.size() + work.size() + parts.size() > kMaxBraceAlternatives) {
      return Error::invalid_input("it expands to more than " + std::to_string(kMaxBraceAlternatives) + " alternatives");
    }
    const std::string_view head = std::string_view(p).substr(0, open);
    const std::string_view tail = std::string_view(p).substr(close + 1);
    // Pushed last to first, so that alternatives come out in written order.
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      std::string next;
      next.reserve(head.size() + it->size() + tail.size());
      next.append(head).append(*it).append(tail);
      work.push_back(std::move(next));
    }
  }
  return done;
}

std::vector<std::string_view> split_views(std::string_view s) {
  std::vector<std::string_view> segs;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      if (i > start) segs.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return segs;
}

// [..] class at p[i] (p[i] == '['); sets `next` past the class. Returns false
// when the class is not closed (then '[' is literal).
bool match_class(std::string_view p, std::size_t i, char c, bool& matched, std::size_t& next) {
  std::size_t j = i + 1;
  bool negate = false;
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
    negate = true;
    ++j;
  }
  bool any = false;
  bool first = true;
  for (; j < p.size(); ++j) {
    if (p[j] == ']' && !first) {
      matched = any != negate;
      next = j + 1;
      return true;
    }
    first = false;
    if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
      if (c >= p[j] && c <= p[j + 2]) any = true;
      j += 2;
    } else if (p[j] == c) {
      any = true;
    }
  }
  return false;
}

// One path segment against one pattern segment (no '/'): `*` backtracks to
// its last position only, so the cost is at most |p| * |s| comparisons.
bool match_segment(std::string_view p, std::string_view s, Budget& budget) {
  std::size_t pi = 0, si = 0;
  std::size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (!budget.step()) return false;
    if (pi < p.size()) {
      const char pc = p[pi];
      if (pc == '*') {
        star_p = pi++;
        star_s = si;
        continue;
      }
      if (pc == '?') {
        ++pi;
        ++si;
        continue;
      }
      if (pc == '[') {
        bool matched = false;
        std::size_t next = 0;
        if (match_class(p, pi, s[si], matched, next)) {
          if (matched) {
            pi = next;
            ++si;
            continue;
          }
        } else if (s[si] == '[') {
          ++pi;
          ++si;
          continue;
        }
      } else if (pc == s[si]) {
        ++pi;
        ++si;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

// The same backtracking one level up: `**` matches any run of segments, every
// other pattern segment exactly one. Returning to the last `**` only is enough
// (a later `**` can absorb whatever an earlier one would have), so there is
// no recursion and at most |pattern| * |path| segment comparisons.
bool match_segments(const std::vector<std::string>& pat, const std::vector<std::string_view>& path, Budget& budget) {
  std::size_t p = 0, s = 0;
  std::size_t star_p = std::string::npos, star_s = 0;
  while (s < path.size()) {
    if (!budget.step()) return false;
    if (p < pat.size() && pat[p] == "**") {
      star_p = p++;
      star_s = s;
      continue;
    }
    if (p < pat.size() && match_segment(pat[p], path[s], budget)) {
      ++p;
      ++s;
      continue;
    }
    if (star_p == std::string::npos || budget.stopped()) return false;
    p = star_p + 1;
    s = ++star_s;
  }
  while (p < pat.size() && pat[p] == "**") ++p;
  return p == pat.size();
}

}  // namespace

std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> out;
  const bool absolute = !path.empty() && path.front() == '/';
  for (const auto seg : split_views(path)) {
    if (seg == ".") continue;
    if (seg == ".." && !out.empty() && out.back() != "..") {
      out.pop_back();
      continue;
    }
    if (seg == ".." && absolute) continue;
    out.push_back(seg);
  }
  std::string r = absolute ? "/" : "";
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i) r.push_back('/');
    r.append(out[i]);
  }
  return r;
}

Result<Glob> Glob::compile(std::string_view pattern, Budget& budget) {
  if (pattern.size() > kMaxGlobLength) {
    return Error::invalid_input("it is " + std::to_string(pattern.size()) + " bytes long (limit " +
                                std::to_string(kMaxGlobLength) + ")");
  }
  if (brace_depth(pattern) > kMaxBraceDepth) {
    return Error::invalid_input("its braces nest deeper than " + std::to_string(kMaxBraceDepth) + " levels");
  }
  auto expanded = expand_braces(pattern, budget);
  if (!expanded) return expanded.take_error();
  Glob g;
  g.pattern_ = std::string(pattern);
  for (const auto& e : *expanded) {
    std::string_view v = e;
    while (v.size() >= 2 && v.substr(0, 2) == "./") v.remove_prefix(2);
    std::vector<std::string> segs;
    for (const auto s : split_views(v)) segs.emplace_back(s);
    if (segs.size() > kMaxGlobSegments) {
      return Error::invalid_input("it has more than " + std::to_string(kMaxGlobSegments) + " path segments");
    }
    g.alternatives_.push_back(std::move(segs));
  }
  return g;
}

bool Glob::matches(std::string_view path, Budget& budget) const {
  if (!budget.step(path.size() + 1)) return false;
  const std::string normal = normalize_path(path);
  const auto segs = split_views(normal);
  for (const auto& alt : alternatives_) {
    if (match_segments(alt, segs, budget)) return true;
    if (budget.stopped()) return false;
  }
  return false;
}

bool matches_any(const std::vector<Glob>& globs, std::string_view path, Budget& budget) {
  return std::any_of(globs.begin(), globs.end(), [&](const Glob& g) { return g.matches(path, budget); });
}

}  // namespace pm::adr
