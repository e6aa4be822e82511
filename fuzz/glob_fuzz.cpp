// Globs: the input's first line is a glob as an ADR rule writes it, every
// further line a path. The glob is compiled as check_adr_compliance compiles
// it (caps, brace expansion charged to a budget) and matched against each path.
//
// Checked beyond the sanitizers: a refused glob names the cap it exceeds; an
// accepted one respects every cap; and on small inputs the iterative matcher
// agrees with a reference written the obvious way (recursive brace expansion,
// memoised recursion over segments and characters), which is fine here
// because the inputs it sees are small.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adr/glob.hpp"
#include "util/budget.hpp"

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "glob_fuzz: %s: %s\n", what.c_str(), detail.substr(0, 2000).c_str());
  std::abort();
}

// ---- reference -------------------------------------------------------------

void ref_expand(const std::string& p, std::vector<std::string>& out) {
  if (out.size() > 4096) return;
  std::size_t open = std::string::npos;
  int depth = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '{') {
      if (depth == 0) open = i;
      ++depth;
    } else if (p[i] == '}' && depth > 0 && --depth == 0) {
      std::vector<std::string> parts;
      std::string cur;
      int d = 0;
      for (std::size_t j = open + 1; j < i; ++j) {
        if (p[j] == '{') ++d;
        if (p[j] == '}') --d;
        if (p[j] == ',' && d == 0) {
          parts.push_back(cur);
          cur.clear();
        } else {
          cur.push_back(p[j]);
        }
      }
      parts.push_back(cur);
      for (const auto& part : parts) ref_expand(p.substr(0, open) + part + p.substr(i + 1), out);
      return;
    }
  }
  out.push_back(p);
}

std::vector<std::string> ref_split(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// One pattern element of a segment: '*', or a predicate on one character.
struct Elem {
  bool star = false;
  char literal = 0;
  bool any = false;
  std::string cls;  // "" unless a class: the raw class body
  bool negate = false;
};

bool in_class(const Elem& e, char c) {
  bool hit = false;
  for (std::size_t j = 0; j < e.cls.size(); ++j) {
    if (j + 2 < e.cls.size() && e.cls[j + 1] == '-') {
      if (c >= e.cls[j] && c <= e.cls[j + 2]) hit = true;
      j += 2;
    } else if (e.cls[j] == c) {
      hit = true;
    }
  }
  return hit != e.negate;
}

std::vector<Elem> ref_elements(std::string_view p) {
  std::vector<Elem> out;
  for (std::size_t i = 0; i < p.size(); ++i) {
    Elem e;
    if (p[i] == '*') {
      e.star = true;
    } else if (p[i] == '?') {
      e.any = true;
    } else if (p[i] == '[') {
      std::size_t j = i + 1;
      if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
        e.negate = true;
        ++j;
      }
      // The class ends at the first ']' after at least one member; a range
      // consumes its ']' end only when it is not the class's closing one.
      std::size_t k = j;
      bool first = true, closed = false;
      for (; k < p.size(); ++k) {
        if (p[k] == ']' && !first) {
          closed = true;
          break;
        }
        first = false;
        if (k + 2 < p.size() && p[k + 1] == '-' && p[k + 2] != ']') k += 2;
      }
      if (closed) {
        e.cls = std::string(p.substr(j, k - j));
        i = k;
      } else {
        e.literal = '[';
      }
    } else {
      e.literal = p[i];
    }
    out.push_back(e);
  }
  return out;
}

bool ref_segment(std::string_view p, std::string_view s) {
  const auto el = ref_elements(p);
  // dp[i][j]: elements from i match characters from j.
  std::vector<std::vector<int>> memo(el.size() + 1, std::vector<int>(s.size() + 1, -1));
  auto rec = [&](auto&& self, std::size_t i, std::size_t j) -> bool {
    int& m = memo[i][j];
    if (m >= 0) return m == 1;
    bool r;
    if (i == el.size()) {
      r = j == s.size();
    } else if (el[i].star) {
      r = self(self, i + 1, j) || (j < s.size() && self(self, i, j + 1));
    } else if (j == s.size()) {
      r = false;
    } else {
      const Elem& e = el[i];
      const bool one = e.any || (!e.cls.empty() ? in_class(e, s[j]) : e.literal == s[j]);
      r = one && self(self, i + 1, j + 1);
    }
    m = r ? 1 : 0;
    return r;
  };
  return rec(rec, 0, 0);
}

bool ref_segments(const std::vector<std::string>& pat, const std::vector<std::string>& path) {
  std::map<std::pair<std::size_t, std::size_t>, bool> memo;
  auto rec = [&](auto&& self, std::size_t pi, std::size_t si) -> bool {
    auto it = memo.find({pi, si});
    if (it != memo.end()) return it->second;
    bool r = false;
    if (pi == pat.size()) {
      r = si == path.size();
    } else if (pat[pi] == "**") {
      for (std::size_t k = si; k <= path.size() && !r; ++k) r = self(self, pi + 1, k);
    } else if (si < path.size()) {
      r = ref_segment(pat[pi], path[si]) && self(self, pi + 1, si + 1);
    }
    memo[{pi, si}] = r;
    return r;
  };
  return rec(rec, 0, 0);
}

bool ref_matches(const std::string& pattern, const std::string& path) {
  std::vector<std::string> alts;
  ref_expand(pattern, alts);
  const auto segs = ref_split(pm::adr::normalize_path(path));
  for (auto a : alts) {
    std::string_view v = a;
    while (v.size() >= 2 && v.substr(0, 2) == "./") v.remove_prefix(2);
    if (ref_segments(ref_split(v), segs)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = text.find('\n');
  const std::string pattern(text.substr(0, nl));
  pm::Budget budget;
  auto glob = pm::adr::Glob::compile(pattern, budget);
  if (!glob) {
    const std::string& why = glob.error().message;
    const bool named = why.find("bytes long") != std::string::npos || why.find("nest deeper") != std::string::npos ||
                       why.find("alternatives") != std::string::npos || why.find("bytes") != std::string::npos ||
                       why.find("path segments") != std::string::npos;
    if (!named) fail("refusal without its cap", why);
    return 0;
  }
  if (pattern.size() > pm::adr::kMaxGlobLength) fail("accepted over the length cap", pattern);
  if (glob->alternatives() > pm::adr::kMaxBraceAlternatives) fail("accepted over the alternatives cap", pattern);
  if (budget.bytes_charged() == 0 && !pattern.empty()) fail("expansion not charged", pattern);

  const bool small = pattern.size() <= 48;
  std::size_t start = nl == std::string_view::npos ? text.size() : nl + 1;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string path(text.substr(start, end - start));
    start = end + 1;
    const bool got = glob->matches(path, budget);
    if (budget.stopped()) fail("an unlimited budget stopped", path);
    if (small && path.size() <= 64 && got != ref_matches(pattern, path)) {
      fail("differs from the reference", pattern + " vs " + path + (got ? " (matched)" : " (not matched)"));
    }
  }
  return 0;
}
