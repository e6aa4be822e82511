#include "util/answer.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace pm::answer {

Clipped clip(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return {std::string(text), false};
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out;
  out.reserve(cut + kEllipsis.size());
  out.append(text.substr(0, cut)).append(kEllipsis);
  return {std::move(out), true};
}

bool clip_json(Json& j, std::size_t max_string, std::size_t max_items) {
  bool cut = false;
  std::vector<Json*> todo{&j};
  while (!todo.empty()) {
    Json* x = todo.back();
    todo.pop_back();
    if (x->is_string()) {
      auto& s = x->get_ref<std::string&>();
      if (s.size() > max_string) {
        s = clip(s, max_string).text;
        cut = true;
      }
    } else if (x->is_array()) {
      auto& a = x->get_ref<Json::array_t&>();
      if (a.size() > max_items) {
        a.resize(max_items);
        cut = true;
      }
      for (auto& v : a) todo.push_back(&v);
    } else if (x->is_object()) {
      for (auto it = x->begin(); it != x->end(); ++it) todo.push_back(&it.value());
    }
  }
  return cut;
}

namespace {

// A list or string under the part being fitted, with its compact size.
struct Candidate {
  Json* node = nullptr;
  std::string path;  // JSON pointer from the part
  std::size_t size = 0;
};

std::string escape_pointer_token(const std::string& key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Sizes (as compact JSON, roughly) of every node under `root`, without
// recursion; the lists and strings of at least `min_size` are candidates.
std::vector<Candidate> candidates(Json& root, std::size_t min_size) {
  struct Frame {
    Json* node;
    std::string path;
    bool expanded;
  };
  std::vector<Candidate> out;
  std::vector<Frame> stack;
  std::vector<std::size_t> sizes;  // of finished nodes, in stack order
  std::vector<std::size_t> child_count;
  stack.push_back({&root, "", false});
  // Post-order: a frame is expanded once (its children pushed), then finished
  // when it comes back on top, summing the sizes its children left.
  std::vector<std::pair<std::size_t, std::size_t>> marks;  // per expanded frame: sizes.size() when expanded, key bytes
  while (!stack.empty()) {
    Frame& f = stack.back();
    Json& x = *f.node;
    if (!f.expanded && x.is_structured() && !x.empty()) {
      f.expanded = true;
      std::size_t keys = 0;
      const std::string path = f.path;
      marks.emplace_back(sizes.size(), 0);
      if (x.is_object()) {
        for (auto it = x.begin(); it != x.end(); ++it) {
          keys += it.key().size() + 4;
          stack.push_back({&it.value(), path + "/" + escape_pointer_token(it.key()), false});
        }
      } else {
        std::size_t i = 0;
        for (auto& v : x) stack.push_back({&v, path + "/" + std::to_string(i++), false});
      }
      marks.back().second = keys;
      continue;
    }
    std::size_t size = 0;
    if (f.expanded) {
      const auto [first, keys] = marks.back();
      marks.pop_back();
      for (std::size_t i = first; i < sizes.size(); ++i) size += sizes[i] + 1;
      sizes.resize(first);
      size += keys + 2;
    } else if (x.is_string()) {
      size = x.get_ref<const std::string&>().size() + 2;
    } else if (x.is_structured()) {
      size = 2;
    } else {
      size = dump_line(x).size();
    }
    if ((x.is_array() || x.is_string()) && size >= min_size) out.push_back({&x, f.path, size});
    sizes.push_back(size);
    stack.pop_back();
  }
  return out;
}

Json* part_of(Json& envelope, const std::string& part) {
  if (part.empty()) return &envelope;
  const auto it = envelope.find(part);
  return it == envelope.end() || !it->is_object() ? nullptr : &*it;
}

}  // namespace

bool fit_answer(Json& envelope, std::string& text, const std::string& part, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return false;
  std::size_t size = text.size();
  Json* root = part_of(envelope, part);
  if (root == nullptr) return false;
  Json clipped = Json::array();
  // Room for the marker itself and the indentation the cuts do not see.
  const std::size_t target = max_bytes - std::min<std::size_t>(max_bytes / 10, 8000);
  constexpr int kRounds = 24;
  for (int round = 0; round < kRounds && size > target; ++round) {
    auto found = candidates(*root, 256);
    if (found.empty()) break;
    const auto largest = std::max_element(found.begin(), found.end(),
                                          [](const Candidate& a, const Candidate& b) { return a.size < b.size; });
    // Indented text is longer than the compact sizes: cut in that proportion.
    const std::size_t compact = dump_line(envelope).size();
    const double ratio = compact == 0 ? 1.0 : static_cast<double>(size) / static_cast<double>(compact);
    const auto need = static_cast<std::size_t>(static_cast<double>(size - target) / ratio) + 64;
    const std::size_t keep = largest->size > need ? largest->size - need : 0;
    Json& x = *largest->node;
    Json note = Json::object();
    note["path"] = largest->path;
    if (x.is_string()) {
      const std::size_t total = x.get_ref<const std::string&>().size();
      x = clip(x.get_ref<const std::string&>(), std::max<std::size_t>(keep, 64)).text;
      note["keptBytes"] = x.get_ref<const std::string&>().size();
      note["totalBytes"] = total;
    } else {
      auto& a = x.get_ref<Json::array_t&>();
      const std::size_t total = a.size();
      std::size_t used = 2;
      std::size_t n = 0;
      for (; n < a.size(); ++n) {
        const std::size_t item = dump_line(a[n]).size() + 1;
        if (used + item > keep) break;
        used += item;
      }
      a.resize(n);
      note["kept"] = n;
      note["total"] = total;
    }
    // A list cut again keeps its first count of entries.
    auto& notes = clipped.get_ref<Json::array_t&>();
    const auto same =
        std::find_if(notes.begin(), notes.end(), [&](const Json& n) { return n["path"] == note["path"]; });
    if (same != notes.end()) {
      for (const char* k : {"total", "totalBytes"}) {
        if (same->contains(k)) note[k] = (*same)[k];
      }
      *same = std::move(note);
    } else {
      notes.push_back(std::move(note));
    }
    (*root)["answerClipped"] = Json{{"limitBytes", max_bytes}, {"clipped", clipped}};
    text = dump_pretty(envelope);
    size = text.size();
  }
  if (size > max_bytes) {
    // Nothing left that cutting could shorten enough: say so rather than send it.
    *root = Json{{"answerClipped",
                  {{"limitBytes", max_bytes},
                   {"clipped", clipped},
                   {"dropped", true},
                   {"message", "The answer was larger than the limit of one tool result and was left out"}}}};
    text = dump_pretty(envelope);
  }
  return true;
}

}  // namespace pm::answer
