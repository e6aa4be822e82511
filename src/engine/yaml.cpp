#include "engine/yaml.hpp"

#include <yaml.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "engine/yaml_arena.hpp"
#include "util/budget.hpp"

namespace pm::engine::yaml {

static_assert(sizeof(Node) == 24, "Node is the bulk of a document's memory: keep it small");

void Node::set(const void* data, std::size_t n) {
  // A document is capped far below this (PHASE_MIRROR_MAX_FILE_BYTES), but a
  // silently truncated count would drop children.
  if (n > UINT32_MAX) throw std::length_error("yaml node larger than 4 GiB");
  data_ = data;
  size_ = static_cast<std::uint32_t>(n);
}

std::size_t line_break_length(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c == '\n') return 1;
  if (c == '\r') return text.compare(i, 2, "\r\n") == 0 ? 2 : 1;
  if (c != 0xC2 && c != 0xE2) return 0;
  if (text.compare(i, 2, "\xC2\x85") == 0) return 2;
  if (text.compare(i, 3, "\xE2\x80\xA8") == 0 || text.compare(i, 3, "\xE2\x80\xA9") == 0) return 3;
  return 0;
}

bool Node::is_null() const {
  if (kind != Kind::kScalar || style != ScalarStyle::kPlain) return false;
  const std::string_view v = value();
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

const Node* Node::get(std::string_view key) const {
  if (kind != Kind::kMapping) return nullptr;
  for (const auto& [k, v] : entries()) {
    if (k.kind == Kind::kScalar && k.value() == key) return &v;
  }
  return nullptr;
}

ParseResult::ParseResult() = default;
ParseResult::~ParseResult() = default;
ParseResult::ParseResult(ParseResult&&) noexcept = default;
ParseResult& ParseResult::operator=(ParseResult&&) noexcept = default;

namespace detail {
namespace {

bool is_merge_key(const Node& key) {
  return key.kind == Kind::kScalar && key.style == ScalarStyle::kPlain && key.value() == "<<";
}

}  // namespace

void resolve_merges(Node& map, Arena& arena) {
  if (std::none_of(map.entries().begin(), map.entries().end(), [](const Entry& e) { return is_merge_key(e.first); })) {
    return;
  }
  std::unordered_set<std::string_view> explicit_keys;
  for (const auto& e : map.entries()) {
    if (!is_merge_key(e.first) && e.first.is_scalar()) explicit_keys.insert(e.first.value());
  }
  std::vector<Entry> out;
  out.reserve(map.entries().size());
  std::unordered_set<std::string_view> merged_keys;
  auto merge_one = [&](const Node& src) {
    for (const auto& e : src.entries()) {
      if (e.first.is_scalar()) {
        if (explicit_keys.count(e.first.value()) || !merged_keys.insert(e.first.value()).second) continue;
      }
      out.push_back(e);
    }
  };
  for (const auto& e : map.entries()) {
    if (is_merge_key(e.first) && e.second.is_mapping()) {
      merge_one(e.second);
    } else if (is_merge_key(e.first) && e.second.is_sequence()) {
      for (const auto& item : e.second.items()) {
        if (item.is_mapping()) merge_one(item);
      }
    } else {
      out.push_back(e);  // an ordinary key, or a merge key whose value cannot be merged
    }
  }
  Entry* arr = arena.array<Entry>(out.size());
  std::copy(out.begin(), out.end(), arr);
  map.set_entries(arr, out.size());
}

}  // namespace detail

namespace {

static_assert(std::is_trivially_copyable_v<Node> && std::is_trivially_destructible_v<Node>);
static_assert(std::is_trivially_copyable_v<Entry> && std::is_trivially_destructible_v<Entry>);

// A collection under construction: its finished children wait on the
// builder's `pending_` stack from index `first` on (mappings alternate key
// and value) until the collection ends and they move into the arena.
struct Frame {
  Node node;
  std::string anchor;
  std::size_t first = 0;
  std::size_t count = 1;   // nodes in this subtree, aliases counted expanded
  std::size_t height = 1;  // levels in this subtree
};

struct Anchored {
  Node node;
  std::size_t count = 0;
  std::size_t height = 0;
};

ScalarStyle to_style(yaml_scalar_style_t s) {
  switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: return ScalarStyle::kSingleQuoted;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return ScalarStyle::kDoubleQuoted;
    case YAML_LITERAL_SCALAR_STYLE: return ScalarStyle::kLiteral;
    case YAML_FOLDED_SCALAR_STYLE: return ScalarStyle::kFolded;
    default: return ScalarStyle::kPlain;
  }
}

// libyaml's complaint about `text`, worded and placed for a ParseError.
ParseError parser_error(const yaml_parser_t& parser, std::string_view text) {
  std::string msg;
  if (parser.context) msg.append(parser.context).append(": ");
  msg.append(parser.problem ? parser.problem : "invalid YAML");
  if (parser.error == YAML_READER_ERROR) {
    // Encoding errors carry a byte offset instead of a mark.
    std::size_t off = std::min(parser.problem_offset, text.size());
    std::size_t nl = text.rfind('\n', off == 0 ? 0 : off - 1);
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(off), '\n'));
    int col = static_cast<int>(nl == std::string_view::npos || off == 0 ? off : off - nl - 1) + 1;
    return ParseError{msg, line, col};
  }
  return ParseError{msg, static_cast<int>(parser.problem_mark.line) + 1,
                    static_cast<int>(parser.problem_mark.column) + 1};
}

class Builder {
 public:
  Builder(std::string_view text, const Limits& limits, Arena& arena) : text_(text), limits_(limits), arena_(arena) {}

  void run(ParseResult& result) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
      result.error = ParseError{"YAML parser could not be initialised", 0, 0};
      return;
    }
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text_.data()), text_.size());
    bool done = false;
    while (!done) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        result.error = parser_error(parser, text_);
        break;
      }
      done = event.type == YAML_STREAM_END_EVENT;
      bool ok = handle(event, result) && spend(event, result);
      yaml_event_delete(&event);
      if (!ok) break;
    }
    yaml_parser_delete(&parser);
  }

 private:
  bool fail(ParseResult& r, std::string msg, const yaml_mark_t& mark) {
    r.error = ParseError{std::move(msg), static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
    return false;
  }

  // One unit per byte read since the previous event, and one for the event.
  bool spend(const yaml_event_t& ev, ParseResult& r) {
    if (limits_.budget == nullptr) return true;
    const std::size_t at = ev.end_mark.index;
    const std::size_t cost = (at > read_ ? at - read_ : 0) + 1;
    read_ = std::max(read_, at);
    if (limits_.budget->step(cost)) return true;
    r.stopped = true;
    return fail(r, kStoppedMessage, ev.start_mark);
  }

  static std::string anchor_of(const unsigned char* a) {
    return a ? std::string(reinterpret_cast<const char*>(a)) : std::string();
  }

  static Node located(Kind kind, const yaml_event_t& ev) {
    Node n;
    n.kind = kind;
    n.line = static_cast<int>(ev.start_mark.line) + 1;
    n.column = static_cast<int>(ev.start_mark.column) + 1;
    return n;
  }

  bool open(ParseResult& r, Kind kind, const yaml_event_t& ev, const unsigned char* anchor) {
    if (stack_.size() >= limits_.max_depth) {
      return fail(r, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels", ev.start_mark);
    }
    Frame f;
    f.node = located(kind, ev);
    f.anchor = anchor_of(anchor);
    f.first = pending_.size();
    stack_.push_back(std::move(f));
    return true;
  }

  // Moves the children of the collection on top of the stack into the arena.
  bool close(ParseResult& r, const yaml_event_t& ev) {
    if (stack_.empty()) return fail(r, "unbalanced collection end", ev.start_mark);
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    const std::size_t n = pending_.size() - f.first;
    const Node* children = pending_.data() + f.first;
    if (f.node.kind == Kind::kSequence) {
      Node* arr = arena_.array<Node>(n);
      std::copy(children, children + n, arr);
      f.node.set_items(arr, n);
    } else {
      const std::size_t pairs = (n + 1) / 2;  // an odd count cannot happen with libyaml, but never lose a key
      Entry* arr = arena_.array<Entry>(pairs);
      for (std::size_t i = 0; i < pairs; ++i) {
        arr[i].first = children[2 * i];
        arr[i].second = 2 * i + 1 < n ? children[2 * i + 1] : Node{};
      }
      f.node.set_entries(arr, pairs);
      detail::resolve_merges(f.node, arena_);
    }
    pending_.resize(f.first);
    return attach(r, f.node, f.count, f.height, f.anchor, ev.start_mark);
  }

  // Attaches a finished node to its parent (or the document). An anchored
  // node is remembered for later aliases; it counts against the expansion
  // budget too, so nested anchors around a large body stay linear.
  bool attach(ParseResult& r, const Node& node, std::size_t count, std::size_t height, const std::string& anchor,
              const yaml_mark_t& mark) {
    if (!anchor.empty()) {
      if (!charge(r, count, mark)) return false;
      anchors_[anchor] = Anchored{node, count, height};
    }
    if (stack_.empty()) {
      if (node.is_null() && node.value().empty()) {
        root_.reset();
      } else {
        root_ = node;
      }
      return true;
    }
    Frame& parent = stack_.back();
    parent.count += count;
    parent.height = std::max(parent.height, height + 1);
    pending_.push_back(node);
    return true;
  }

  bool charge(ParseResult& r, std::size_t nodes, const yaml_mark_t& mark) {
    alias_nodes_ += nodes;
    if (alias_nodes_ <= limits_.max_alias_nodes) return true;
    return fail(r, "alias expansion exceeds " + std::to_string(limits_.max_alias_nodes) + " nodes (possible YAML bomb)",
                mark);
  }

  bool handle(const yaml_event_t& ev, ParseResult& r) {
    switch (ev.type) {
      case YAML_DOCUMENT_START_EVENT:
        root_.reset();
        anchors_.clear();  // anchors do not cross documents
        return true;
      case YAML_DOCUMENT_END_EVENT:
        r.documents.push_back(Document{root_});
        root_.reset();
        return true;
      case YAML_SCALAR_EVENT: {
        if (stack_.size() >= limits_.max_depth) {
          return fail(r, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels", ev.start_mark);
        }
        Node n = located(Kind::kScalar, ev);
        n.set_value(arena_.copy(reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length));
        n.style = to_style(ev.data.scalar.style);
        return attach(r, n, 1, 1, anchor_of(ev.data.scalar.anchor), ev.start_mark);
      }
      case YAML_SEQUENCE_START_EVENT: return open(r, Kind::kSequence, ev, ev.data.sequence_start.anchor);
      case YAML_MAPPING_START_EVENT: return open(r, Kind::kMapping, ev, ev.data.mapping_start.anchor);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: return close(r, ev);
      case YAML_ALIAS_EVENT: {
        std::string name = anchor_of(ev.data.alias.anchor);
        auto it = anchors_.find(name);
        if (it == anchors_.end()) return fail(r, "found undefined alias '" + name + "'", ev.start_mark);
        const Anchored& a = it->second;
        if (!charge(r, a.count, ev.start_mark)) return false;
        if (stack_.size() + a.height > limits_.max_depth) {
          return fail(
              r, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels through alias '" + name + "'",
              ev.start_mark);
        }
        return attach(r, a.node, a.count, a.height, std::string(), ev.start_mark);
      }
      default: return true;
    }
  }

  std::string_view text_;
  const Limits& limits_;
  Arena& arena_;
  std::vector<Frame> stack_;
  std::vector<Node> pending_;
  std::optional<Node> root_;
  std::unordered_map<std::string, Anchored> anchors_;
  std::size_t alias_nodes_ = 0;
  std::size_t read_ = 0;  // offset of the text the budget was charged for
};

}  // namespace

namespace detail {

ParseResult parse_libyaml(std::string_view text, const Limits& limits) {
  ParseResult result;
  // Scalars take about as many bytes as the text, nodes a few times more.
  result.arena = std::make_unique<Arena>(text.size() * 2);
  Builder b(text, limits, *result.arena);
  b.run(result);
  return result;
}

namespace {

std::string describe(const Node& n) {
  std::string s = n.is_scalar() ? "scalar" : n.is_sequence() ? "sequence" : "mapping";
  s += " at " + std::to_string(n.line) + ":" + std::to_string(n.column);
  if (n.is_scalar()) {
    s += " style " + std::to_string(static_cast<int>(n.style)) + " value \"" + std::string(n.value()) + "\"";
  }
  return s;
}

std::string tree_difference(const Node& fast, const Node& slow, const std::string& path) {
  if (fast.kind != slow.kind || fast.line != slow.line || fast.column != slow.column || fast.style != slow.style ||
      fast.value() != slow.value()) {
    return path + ": fast " + describe(fast) + ", libyaml " + describe(slow);
  }
  if (fast.items().size() != slow.items().size() || fast.entries().size() != slow.entries().size()) {
    return path + ": child count differs (" + describe(slow) + ")";
  }
  for (std::size_t i = 0; i < slow.items().size(); ++i) {
    auto d = tree_difference(fast.items()[i], slow.items()[i], path + "[" + std::to_string(i) + "]");
    if (!d.empty()) return d;
  }
  for (std::size_t i = 0; i < slow.entries().size(); ++i) {
    const std::string p = path + "." + std::string(slow.entries()[i].first.value());
    auto d = tree_difference(fast.entries()[i].first, slow.entries()[i].first, p + " (key)");
    if (d.empty()) d = tree_difference(fast.entries()[i].second, slow.entries()[i].second, p);
    if (!d.empty()) return d;
  }
  return "";
}

}  // namespace

std::string compare_parsers(std::string_view text, const Limits& limits) {
  const auto fast = parse_fast(text, limits);
  if (!fast) return "";
  const auto slow = parse_libyaml(text, limits);
  if (slow.error) return "libyaml refuses the text (" + slow.error->message + ") but the scanner gave a tree";
  if (fast->error) return "the scanner set an error";
  if (fast->documents.size() != slow.documents.size()) return "document count differs";
  for (std::size_t i = 0; i < slow.documents.size(); ++i) {
    const auto& f = fast->documents[i].root;
    const auto& s = slow.documents[i].root;
    if (f.has_value() != s.has_value()) return "document root presence differs";
    if (f) {
      auto d = tree_difference(*f, *s, "$");
      if (!d.empty()) return d;
    }
  }
  return "";
}

}  // namespace detail

ParseResult parse(std::string_view text, const Limits& limits) {
  if (auto fast = detail::parse_fast(text, limits)) return std::move(*fast);
  return detail::parse_libyaml(text, limits);
}

ScalarSpans scalar_spans(std::string_view text, Budget* budget) {
  ScalarSpans out;
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    out.error = ParseError{"YAML parser could not be initialised", 0, 0};
    return out;
  }
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::size_t read = 0;
  for (bool done = false; !done;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      out.error = parser_error(parser, text);
      break;
    }
    done = event.type == YAML_STREAM_END_EVENT;
    const std::size_t at = event.end_mark.index;
    if (budget != nullptr && !budget->step((at > read ? at - read : 0) + 1)) {
      out.error = ParseError{kStoppedMessage, static_cast<int>(event.start_mark.line) + 1,
                             static_cast<int>(event.start_mark.column) + 1};
      yaml_event_delete(&event);
      break;
    }
    read = std::max(read, at);
    if (event.type == YAML_SCALAR_EVENT) {
      out.spans.push_back({static_cast<int>(event.start_mark.line) + 1, static_cast<int>(event.start_mark.column) + 1,
                           static_cast<int>(event.end_mark.line) + 1, static_cast<int>(event.end_mark.column) + 1,
                           to_style(event.data.scalar.style)});
    }
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  return out;
}

}  // namespace pm::engine::yaml
