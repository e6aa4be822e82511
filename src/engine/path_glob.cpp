#include "engine/path_glob.hpp"

#include <utility>

namespace pm::engine {

namespace {

constexpr std::string_view kAnyDirs = "**";

Error glob_error(std::string why) {
  return Error::invalid_input(std::move(why));
}

// End of the class that opens at p[i] == '[' (the index after its ']'), or
// npos when it is not closed. A ']' right after "[", "[!" or "[^" is literal.
std::size_t class_end(std::string_view p, std::size_t i) {
  std::size_t j = i + 1;
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) ++j;
  if (j < p.size() && p[j] == ']') ++j;
  for (; j < p.size(); ++j) {
    if (p[j] == '/') return std::string_view::npos;  // a class matches within one segment
    if (p[j] == ']') return j + 1;
  }
  return std::string_view::npos;
}

// Whether `c` is in the class p[i, end) (p[i] == '[', p[end - 1] == ']').
bool class_matches(std::string_view p, std::size_t i, std::size_t end, char ch) {
  const auto c = static_cast<unsigned char>(ch);
  std::size_t j = i + 1;
  const bool negate = p[j] == '!' || p[j] == '^';
  if (negate) ++j;
  bool any = false;
  const std::size_t last = end - 1;  // the closing ']'
  while (j < last) {
    const auto lo = static_cast<unsigned char>(p[j]);
    if (j + 2 < last && p[j + 1] == '-') {
      any = any || (c >= lo && c <= static_cast<unsigned char>(p[j + 2]));
      j += 3;
    } else {
      any = any || c == lo;
      ++j;
    }
  }
  return any != negate;
}

// One path segment against one pattern segment (no '/', no "**"): the
// classic wildcard walk that backtracks only to the last '*'.
bool segment_matches(std::string_view p, std::string_view s) {
  std::size_t pi = 0;
  std::size_t si = 0;
  std::size_t star_p = std::string_view::npos;
  std::size_t star_s = 0;
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
        const std::size_t end = class_end(p, pi);  // compile() made sure it is closed
        if (class_matches(p, pi, end, s[si])) {
          pi = end;
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

// The same walk one level up: "**" is the star, segments are the characters.
bool segments_match(const std::vector<std::string>& pat, const std::vector<std::string_view>& path) {
  std::size_t pi = 0;
  std::size_t si = 0;
  std::size_t star_p = std::string_view::npos;
  std::size_t star_s = 0;
  while (si < path.size()) {
    if (pi < pat.size() && pat[pi] == kAnyDirs) {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (pi < pat.size() && segment_matches(pat[pi], path[si])) {
      ++pi;
      ++si;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < pat.size() && pat[pi] == kAnyDirs) ++pi;
  return pi == pat.size();
}

std::vector<std::string_view> path_segments(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) slash = s.size();
    const std::string_view seg = s.substr(start, slash - start);
    if (!seg.empty() && seg != ".") out.push_back(seg);
    start = slash + 1;
  }
  return out;
}

// Expands {a,b} groups (nestable) without recursion; braces are balanced.
Result<std::vector<std::string>> expand_braces(const std::string& pattern) {
  std::vector<std::string> work{pattern};
  std::vector<std::string> done;
  while (!work.empty()) {
    std::string s = std::move(work.back());
    work.pop_back();
    std::size_t open = std::string::npos;
    std::size_t close = std::string::npos;
    int depth = 0;
    for (std::size_t i = 0; i < s.size() && close == std::string::npos; ++i) {
      if (s[i] == '[')
        i = class_end(s, i) - 1;  // braces in a class are literal
      else if (s[i] == '{' && depth++ == 0)
        open = i;
      else if (s[i] == '}' && --depth == 0)
        close = i;
    }
    if (open == std::string::npos) {
      done.push_back(std::move(s));
      continue;
    }
    std::vector<std::string> parts(1);
    depth = 0;
    for (std::size_t i = open + 1; i < close; ++i) {
      const char c = s[i];
      if (c == '[') {
        const std::size_t end = class_end(s, i);
        parts.back().append(s, i, end - i);
        i = end - 1;
        continue;
      }
      if (c == '{') ++depth;
      if (c == '}') --depth;
      if (c == ',' && depth == 0) {
        parts.emplace_back();
      } else {
        parts.back().push_back(c);
      }
    }
    // Every item left to expand ends as at least one alternative.
    if (done.size() + work.size() + parts.size() > PathGlob::kMaxAlternatives) {
      return glob_error("expands to more than " + std::to_string(PathGlob::kMaxAlternatives) + " alternatives");
    }
    const std::string head = s.substr(0, open);
    const std::string tail = s.substr(close + 1);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      std::string alt;
      alt.reserve(head.size() + it->size() + tail.size());
      alt.append(head).append(*it).append(tail);
      work.push_back(std::move(alt));
    }
  }
  return done;
}

Status check_characters(std::string_view p) {
  if (p.empty()) return glob_error("is empty");
  if (p.size() > PathGlob::kMaxLength) {
    return glob_error("is longer than " + std::to_string(PathGlob::kMaxLength) + " characters");
  }
  int depth = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c == 0x7F) return glob_error("contains a control character");
    if (c == '\\') return glob_error("contains '\\' (paths are '/'-separated, and there are no escapes)");
    if (c == '[') {
      const std::size_t end = class_end(p, i);
      if (end == std::string_view::npos) return glob_error("has a '[' that is not closed within its path segment");
      i = end - 1;
      continue;
    }
    if (c == '{') ++depth;
    if (c == '}' && --depth < 0) return glob_error("has a '}' without its '{'");
  }
  if (depth > 0) return glob_error("has a '{' that is not closed");
  return ok_status();
}

}  // namespace

Result<PathGlob> PathGlob::compile(std::string_view pattern) {
  if (auto st = check_characters(pattern); !st) return st.take_error();
  auto expanded = expand_braces(std::string(pattern));
  if (!expanded) return expanded.take_error();
  PathGlob g;
  g.pattern_ = std::string(pattern);
  for (std::string_view alt : *expanded) {
    while (alt.substr(0, 2) == "./") alt.remove_prefix(2);
    bool anchored = !alt.empty() && alt.front() == '/';
    while (!alt.empty() && alt.back() == '/') alt.remove_suffix(1);
    anchored = anchored || alt.find('/') != std::string_view::npos;
    std::vector<std::string> segs;
    if (!anchored) segs.emplace_back(kAnyDirs);
    const auto named = path_segments(alt);
    if (named.empty()) return glob_error("names no path");
    for (const std::string_view seg : named) {
      if (seg == "..") return glob_error("has a '..' segment (patterns name paths inside the repository)");
      if (seg != kAnyDirs && seg.find(kAnyDirs) != std::string_view::npos) {
        return glob_error("has '**' inside a path segment (it must be a whole segment: 'a/**/b')");
      }
      if (seg == kAnyDirs && !segs.empty() && segs.back() == kAnyDirs) continue;
      segs.emplace_back(seg);
    }
    // A matched directory covers everything below it.
    if (segs.back() != kAnyDirs) segs.emplace_back(kAnyDirs);
    g.alternatives_.push_back(std::move(segs));
  }
  return g;
}

bool PathGlob::matches(std::string_view path) const {
  const auto segs = path_segments(path);
  if (segs.empty()) return false;
  for (const auto& alt : alternatives_) {
    if (segments_match(alt, segs)) return true;
  }
  return false;
}

}  // namespace pm::engine
