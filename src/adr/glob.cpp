#include "adr/glob.hpp"

#include <cstddef>

namespace pm::adr {
namespace {

// Expands the first top-level {a,b} group and recurses; unbalanced braces
// are taken literally.
void expand_braces(const std::string& p, std::vector<std::string>& out, int budget = 1024) {
  std::size_t open = std::string::npos;
  int depth = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '{') {
      if (depth == 0) open = i;
      ++depth;
    } else if (p[i] == '}' && depth > 0) {
      if (--depth == 0) {
        // Split the group body on commas at nesting depth 0.
        std::vector<std::string> parts;
        std::string cur;
        int d = 0;
        for (std::size_t j = open + 1; j < i; ++j) {
          char c = p[j];
          if (c == '{') ++d;
          if (c == '}') --d;
          if (c == ',' && d == 0) {
            parts.push_back(cur);
            cur.clear();
          } else {
            cur.push_back(c);
          }
        }
        parts.push_back(cur);
        const std::string head = p.substr(0, open);
        const std::string tail = p.substr(i + 1);
        for (const auto& part : parts) {
          if (static_cast<int>(out.size()) >= budget) return;
          std::string next = head;
          next.append(part).append(tail);
          expand_braces(next, out, budget);
        }
        return;
      }
    }
  }
  out.push_back(p);
}

std::vector<std::string> split_segments(std::string_view s) {
  std::vector<std::string> segs;
  std::string cur;
  for (char c : s) {
    if (c == '/') {
      if (!cur.empty()) segs.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) segs.push_back(cur);
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

// One segment against one pattern segment (no '/').
bool match_segment(std::string_view p, std::string_view s) {
  std::size_t pi = 0, si = 0;
  std::size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
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

bool match_segments(const std::vector<std::string>& pat, const std::vector<std::string>& path) {
  const std::size_t P = pat.size(), S = path.size();
  // memo[pi][si]: 0 unknown, 1 false, 2 true. Keeps `**` chains linear-ish.
  std::vector<unsigned char> memo((P + 1) * (S + 1), 0);
  auto rec = [&](auto&& self, std::size_t pi, std::size_t si) -> bool {
    unsigned char& m = memo[pi * (S + 1) + si];
    if (m != 0) return m == 2;
    bool r = false;
    if (pi == P) {
      r = si == S;
    } else if (pat[pi] == "**") {
      for (std::size_t k = si; k <= S && !r; ++k) r = self(self, pi + 1, k);
    } else if (si < S) {
      r = match_segment(pat[pi], path[si]) && self(self, pi + 1, si + 1);
    }
    m = r ? 2 : 1;
    return r;
  };
  return rec(rec, 0, 0);
}

}  // namespace

std::string normalize_path(std::string_view path) {
  std::vector<std::string> out;
  bool absolute = !path.empty() && path.front() == '/';
  for (auto& seg : split_segments(path)) {
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
    r += out[i];
  }
  return r;
}

Glob::Glob(std::string_view pattern) : pattern_(pattern) {
  std::vector<std::string> expanded;
  expand_braces(std::string(pattern), expanded);
  for (auto& e : expanded) {
    std::string_view v = e;
    while (v.size() >= 2 && v.substr(0, 2) == "./") v.remove_prefix(2);
    alternatives_.push_back(split_segments(v));
  }
}

bool Glob::matches(std::string_view path) const {
  const auto segs = split_segments(normalize_path(path));
  for (const auto& alt : alternatives_) {
    if (match_segments(alt, segs)) return true;
  }
  return false;
}

bool matches_any(const std::vector<Glob>& globs, std::string_view path) {
  for (const auto& g : globs) {
    if (g.matches(path)) return true;
  }
  return false;
}

}  // namespace pm::adr
