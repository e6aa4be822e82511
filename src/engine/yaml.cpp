#include "engine/yaml.hpp"

#include <yaml.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace pm::engine::yaml {

bool Node::is_null() const {
  if (kind != Kind::kScalar || style != ScalarStyle::kPlain) return false;
  return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

const Node* Node::get(std::string_view key) const {
  if (kind != Kind::kMapping) return nullptr;
  for (const auto& [k, v] : entries) {
    if (k.kind == Kind::kScalar && k.value == key) return &v;
  }
  return nullptr;
}

namespace {

// A node under construction. Mappings collect key and value alternately:
// `pending_key` holds the key until its value arrives.
struct Frame {
  Node node;
  std::string anchor;
  std::optional<Node> pending_key;
  std::size_t count = 1;   // nodes in this subtree
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

bool is_merge_key(const Node& key) {
  return key.kind == Kind::kScalar && key.style == ScalarStyle::kPlain && key.value == "<<";
}

// Resolves `<<` entries of a finished mapping in place: the merged mapping's
// entries take the position of the `<<` key; keys written explicitly in the
// mapping win, and among several merged mappings the first one wins.
void resolve_merges(Node& map) {
  bool any = false;
  for (const auto& e : map.entries) {
    if (is_merge_key(e.first)) {
      any = true;
      break;
    }
  }
  if (!any) return;
  std::unordered_set<std::string> explicit_keys;
  for (const auto& e : map.entries) {
    if (!is_merge_key(e.first) && e.first.is_scalar()) explicit_keys.insert(e.first.value);
  }
  std::vector<std::pair<Node, Node>> out;
  out.reserve(map.entries.size());
  std::unordered_set<std::string> merged_keys;
  auto merge_one = [&](Node& src) {
    for (auto& e : src.entries) {
      if (e.first.is_scalar()) {
        if (explicit_keys.count(e.first.value) || !merged_keys.insert(e.first.value).second) continue;
      }
      out.push_back(std::move(e));
    }
  };
  for (auto& e : map.entries) {
    if (!is_merge_key(e.first)) {
      out.push_back(std::move(e));
      continue;
    }
    if (e.second.is_mapping()) {
      merge_one(e.second);
    } else if (e.second.is_sequence()) {
      for (auto& item : e.second.items) {
        if (item.is_mapping()) merge_one(item);
      }
    } else {
      out.push_back(std::move(e));  // not a mergeable value: keep it as an ordinary key
    }
  }
  map.entries = std::move(out);
}

class Builder {
 public:
  Builder(std::string_view text, const Limits& limits) : text_(text), limits_(limits) {}

  ParseResult run() {
    ParseResult result;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
      result.error = ParseError{"YAML parser could not be initialised", 0, 0};
      return result;
    }
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text_.data()), text_.size());
    bool done = false;
    while (!done) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        std::string msg = parser.problem ? parser.problem : "invalid YAML";
        if (parser.context) msg = std::string(parser.context) + ": " + msg;
        if (parser.error == YAML_READER_ERROR) {
          // Encoding errors carry a byte offset instead of a mark.
          std::size_t off = std::min(parser.problem_offset, text_.size());
          std::size_t nl = text_.rfind('\n', off == 0 ? 0 : off - 1);
          int line = 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + static_cast<long>(off), '\n'));
          int col = static_cast<int>(nl == std::string_view::npos || off == 0 ? off : off - nl - 1) + 1;
          result.error = ParseError{msg, line, col};
        } else {
          result.error = ParseError{msg, static_cast<int>(parser.problem_mark.line) + 1,
                                    static_cast<int>(parser.problem_mark.column) + 1};
        }
        break;
      }
      done = event.type == YAML_STREAM_END_EVENT;
      bool ok = handle(event, result);
      yaml_event_delete(&event);
      if (!ok) break;
    }
    yaml_parser_delete(&parser);
    return result;
  }

 private:
  bool fail(ParseResult& r, std::string msg, const yaml_mark_t& mark) {
    r.error = ParseError{std::move(msg), static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
    return false;
  }

  static std::string anchor_of(const unsigned char* a) {
    return a ? std::string(reinterpret_cast<const char*>(a)) : std::string();
  }

  bool open(ParseResult& r, Kind kind, const yaml_event_t& ev, const unsigned char* anchor) {
    if (stack_.size() >= limits_.max_depth) {
      return fail(r, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels", ev.start_mark);
    }
    Frame f;
    f.node.kind = kind;
    f.node.line = static_cast<int>(ev.start_mark.line) + 1;
    f.node.column = static_cast<int>(ev.start_mark.column) + 1;
    f.anchor = anchor_of(anchor);
    stack_.push_back(std::move(f));
    return true;
  }

  // Attaches a finished node to its parent (or the document). An anchored
  // node is snapshotted for later aliases; the snapshot counts against the
  // expansion budget too, so nested anchors around a large body stay linear.
  bool attach(ParseResult& r, Node&& node, std::size_t count, std::size_t height, const std::string& anchor,
              const yaml_mark_t& mark) {
    if (!anchor.empty()) {
      if (!charge(r, count, mark)) return false;
      anchors_[anchor] = Anchored{node, count, height};
    }
    if (stack_.empty()) {
      if (node.is_null() && node.value.empty()) {
        root_.reset();
      } else {
        root_ = std::move(node);
      }
      return true;
    }
    Frame& parent = stack_.back();
    parent.count += count;
    if (height + 1 > parent.height) parent.height = height + 1;
    if (parent.node.kind == Kind::kSequence) {
      parent.node.items.push_back(std::move(node));
    } else if (!parent.pending_key) {
      parent.pending_key = std::move(node);
    } else {
      parent.node.entries.emplace_back(std::move(*parent.pending_key), std::move(node));
      parent.pending_key.reset();
    }
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
        r.documents.push_back(Document{std::move(root_)});
        root_.reset();
        return true;
      case YAML_SCALAR_EVENT: {
        if (stack_.size() >= limits_.max_depth) {
          return fail(r, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels", ev.start_mark);
        }
        Node n;
        n.kind = Kind::kScalar;
        n.line = static_cast<int>(ev.start_mark.line) + 1;
        n.column = static_cast<int>(ev.start_mark.column) + 1;
        n.value.assign(reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length);
        n.style = to_style(ev.data.scalar.style);
        return attach(r, std::move(n), 1, 1, anchor_of(ev.data.scalar.anchor), ev.start_mark);
      }
      case YAML_SEQUENCE_START_EVENT: return open(r, Kind::kSequence, ev, ev.data.sequence_start.anchor);
      case YAML_MAPPING_START_EVENT: return open(r, Kind::kMapping, ev, ev.data.mapping_start.anchor);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        if (stack_.empty()) return fail(r, "unbalanced collection end", ev.start_mark);
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        if (f.node.kind == Kind::kMapping) {
          if (f.pending_key) {  // cannot happen with libyaml, but never lose a key
            f.node.entries.emplace_back(std::move(*f.pending_key), Node{});
          }
          resolve_merges(f.node);
        }
        return attach(r, std::move(f.node), f.count, f.height, f.anchor, ev.start_mark);
      }
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
        Node copy = a.node;
        return attach(r, std::move(copy), a.count, a.height, std::string(), ev.start_mark);
      }
      default: return true;
    }
  }

  std::string_view text_;
  const Limits& limits_;
  std::vector<Frame> stack_;
  std::optional<Node> root_;
  std::unordered_map<std::string, Anchored> anchors_;
  std::size_t alias_nodes_ = 0;
};

}  // namespace

ParseResult parse(std::string_view text, const Limits& limits) {
  Builder b(text, limits);
  return b.run();
}

}  // namespace pm::engine::yaml
