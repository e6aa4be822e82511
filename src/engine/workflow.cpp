#include "engine/workflow.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace pm::engine {

// A 1 MB workflow holds ~7 000 steps of six optional values each.
static_assert(sizeof(OptionalLocated) == sizeof(Located) && sizeof(Located) == 24);

std::string_view TextStore::add(std::string_view text) {
  constexpr std::size_t kFirstChunk = 1024;
  constexpr std::size_t kMaxChunk = std::size_t{1} << 20;
  if (text.empty()) return {};
  if (chunks_.empty() || text.size() > capacity_ - used_) {
    capacity_ = std::max(text.size(), chunks_.empty() ? kFirstChunk : std::min(capacity_ * 2, kMaxChunk));
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(capacity_));
    used_ = 0;
  }
  char* out = chunks_.back().get() + used_;
  std::memcpy(out, text.data(), text.size());
  used_ += text.size();
  return {out, text.size()};
}

std::string_view WorkflowFile::source_line(int line) const {
  if (!source || line < 1 || static_cast<std::size_t>(line) > line_starts.size()) return {};
  const std::string_view text = *source;
  const std::size_t start = line_starts[static_cast<std::size_t>(line) - 1];
  std::size_t end = start;
  while (end < text.size() && yaml::line_break_length(text, end) == 0) ++end;
  return text.substr(start, end - start);
}

bool WorkflowFile::has_trigger(const std::string& event) const {
  return std::any_of(triggers.begin(), triggers.end(), [&](const Located& t) { return t.value == event; });
}

std::string WorkflowFile::line_text(int line) const {
  const std::string_view l = source_line(line);
  auto b = l.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  auto e = l.find_last_not_of(" \t");
  return std::string(l.substr(b, e - b + 1));
}

int WorkflowFile::line_of(const Located& text, std::size_t offset, std::string_view needle) const {
  offset = std::min(offset, text.value.size());
  int newlines = static_cast<int>(std::count(text.value.begin(), text.value.begin() + static_cast<long>(offset), '\n'));
  int candidate = text.line + newlines;
  if (needle.empty()) return candidate;
  if (source_line(candidate).find(needle) != std::string_view::npos) {
    return candidate;
  }
  // Folded or quoted scalar: find the same occurrence of the needle in the source.
  std::size_t occurrence = 0;
  for (std::size_t p = text.value.find(needle); p != std::string::npos && p < offset;
       p = text.value.find(needle, p + needle.size())) {
    ++occurrence;
  }
  // A scalar spans at most one source line per character of its value (plus
  // its indicator and closing lines): the search stays within it.
  std::size_t first = text.line >= 1 ? static_cast<std::size_t>(text.line) - 1 : 0;
  std::size_t last = std::min(line_count(), first + text.value.size() + 2);
  for (std::size_t i = first; i < last; ++i) {
    const std::string_view l = source_line(static_cast<int>(i) + 1);
    for (std::size_t p = l.find(needle); p != std::string_view::npos; p = l.find(needle, p + needle.size())) {
      if (occurrence == 0) return static_cast<int>(i) + 1;
      --occurrence;
    }
  }
  return text.line;
}

std::vector<Expression> find_expressions(std::string_view text) {
  std::vector<Expression> out;
  std::size_t p = text.find("${{");
  while (p != std::string_view::npos) {
    std::size_t end = text.find("}}", p + 3);
    if (end == std::string_view::npos) break;
    Expression e;
    e.offset = p;
    e.raw = std::string(text.substr(p, end + 2 - p));
    for (char c : text.substr(p + 3, end - p - 3)) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
      e.normalized.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
    out.push_back(std::move(e));
    p = text.find("${{", end + 2);
  }
  return out;
}

namespace {

using yaml::Node;

// Builds the model's values: text written verbatim in the source (plain
// scalars of the block-style scanner) stays a view into it; everything else
// is copied once into the file's text store.
class Values {
 public:
  explicit Values(std::string_view source) : source_(source) {}

  std::string_view keep(std::string_view v) {
    if (v.empty()) return {};
    const auto at = reinterpret_cast<std::uintptr_t>(v.data());
    const auto begin = reinterpret_cast<std::uintptr_t>(source_.data());
    if (at >= begin && at - begin <= source_.size() && v.size() <= source_.size() - (at - begin)) return v;
    if (!store_) store_ = std::make_shared<TextStore>();
    return store_->add(v);
  }

  // The store to hand to the WorkflowFile (null when nothing was copied).
  std::shared_ptr<const TextStore> store() && { return std::move(store_); }

  // A scalar value with the line its text starts on: block scalars (| and >)
  // start on the line after their indicator.
  Located located(const Node& n) {
    int line = n.line;
    if (n.style == yaml::ScalarStyle::kLiteral || n.style == yaml::ScalarStyle::kFolded) ++line;
    return Located{keep(n.value()), line};
  }

  OptionalLocated scalar_of(const Node* v) {
    if (!v || !v->is_scalar()) return std::nullopt;
    return located(*v);
  }

  OptionalLocated scalar_field(const Node& map, std::string_view key) { return scalar_of(map.get(key)); }

  std::vector<std::pair<std::string_view, Located>> scalar_map(const Node* map) {
    std::vector<std::pair<std::string_view, Located>> out;
    if (!map || !map->is_mapping()) return out;
    out.reserve(map->entries().size());
    for (const auto& [k, v] : map->entries()) {
      if (!k.is_scalar() || !v.is_scalar()) continue;
      out.emplace_back(keep(k.value()), located(v));
    }
    return out;
  }

 private:
  std::string_view source_;
  std::shared_ptr<TextStore> store_;
};

// The first value of each of `keys` in the mapping `n` (nullptr when absent),
// as Node::get would find them, in one pass over its entries.
template <std::size_t N>
std::array<const Node*, N> first_values(const Node& n, const std::array<std::string_view, N>& keys) {
  std::array<const Node*, N> out{};
  for (const auto& [k, v] : n.entries()) {
    if (!k.is_scalar()) continue;
    for (std::size_t i = 0; i < N; ++i) {
      if (k.value() == keys[i]) {
        if (!out[i]) out[i] = &v;
        break;
      }
    }
  }
  return out;
}

// The `on` key: libyaml gives the text "on"; a YAML 1.1 loader upstream may
// have written it as `true`, which we accept too.
const Node* find_on(const Node& root, int& key_line) {
  for (const auto& [k, v] : root.entries()) {
    if (k.is_scalar() && (k.value() == "on" || k.value() == "true" || k.value() == "True" || k.value() == "ON")) {
      key_line = k.line;
      return &v;
    }
  }
  return nullptr;
}

void parse_triggers(const Node& on, Values& values, std::vector<Located>& out) {
  if (on.is_scalar()) {
    if (!on.is_null()) out.push_back(Located{values.keep(on.value()), on.line});
  } else if (on.is_sequence()) {
    for (const auto& item : on.items()) {
      if (item.is_scalar() && !item.is_null()) out.push_back(Located{values.keep(item.value()), item.line});
    }
  } else {
    for (const auto& [k, v] : on.entries()) {
      if (k.is_scalar()) out.push_back(Located{values.keep(k.value()), k.line});
    }
  }
}

Permissions parse_permissions(const Node& root, Values& values, std::string_view key = "permissions") {
  Permissions p;
  for (const auto& [k, v] : root.entries()) {
    if (!k.is_scalar() || k.value() != key) continue;
    p.present = true;
    p.line = k.line;
    if (v.is_scalar()) {
      if (!v.is_null()) p.shorthand = values.keep(v.value());
    } else if (v.is_mapping()) {
      for (const auto& [sk, sv] : v.entries()) {
        if (sk.is_scalar() && sv.is_scalar()) {
          p.scopes.emplace_back(values.keep(sk.value()), Located{values.keep(sv.value()), sk.line});
        }
      }
    }
    break;
  }
  return p;
}

constexpr std::array<std::string_view, 8> kStepKeys = {"id", "name", "uses", "run", "if", "shell", "with", "env"};

Step parse_step(const Node& n, Values& values) {
  Step s;
  s.line = n.line;
  if (!n.is_mapping()) return s;
  if (!n.entries().empty()) s.line = n.entries().front().first.line;
  const auto [id, name, uses, run, if_cond, shell, with, env] = first_values(n, kStepKeys);
  s.id = values.scalar_of(id);
  s.name = values.scalar_of(name);
  s.uses = values.scalar_of(uses);
  s.run = values.scalar_of(run);
  s.if_cond = values.scalar_of(if_cond);
  s.shell = values.scalar_of(shell);
  s.with = values.scalar_map(with);
  s.env = values.scalar_map(env);
  return s;
}

void parse_steps(const Node* steps, Values& values, std::vector<Step>& out) {
  if (!steps || !steps->is_sequence()) return;
  out.reserve(steps->items().size());
  for (const auto& item : steps->items()) {
    if (item.is_mapping()) out.push_back(parse_step(item, values));
  }
}

OptionalLocated image_of(const Node* n, Values& values) {
  if (!n) return std::nullopt;
  if (n->is_scalar()) return n->is_null() ? OptionalLocated() : OptionalLocated(values.located(*n));
  if (n->is_mapping()) return values.scalar_field(*n, "image");
  return std::nullopt;
}

constexpr std::array<std::string_view, 11> kJobKeys = {
    "name", "uses", "if", "secrets", "environment", "container", "services", "needs", "env", "outputs", "steps"};

Job parse_job(const Node& key, const Node& n, Values& values) {
  Job j;
  j.id = values.keep(key.value());
  j.line = key.line;
  if (!n.is_mapping()) return j;
  const auto [name, uses, if_cond, secrets, environment, container, services, needs, env, outputs, steps] =
      first_values(n, kJobKeys);
  j.name = values.scalar_of(name);
  j.permissions = parse_permissions(n, values);
  j.uses = values.scalar_of(uses);
  j.if_cond = values.scalar_of(if_cond);
  if (const Node* sec = secrets) {
    if (sec->is_scalar() && sec->value() == "inherit") {
      j.secrets_inherit = values.located(*sec);
    } else {
      j.secrets = values.scalar_map(sec);
    }
  }
  if (environment) {
    if (environment->is_scalar() && !environment->is_null()) {
      j.environment = values.located(*environment);
    } else if (environment->is_mapping()) {
      j.environment = values.scalar_field(*environment, "name");
    }
  }
  j.container_image = image_of(container, values);
  if (services && services->is_mapping()) {
    for (const auto& [sk, sv] : services->entries()) {
      if (auto img = image_of(&sv, values)) j.services_images.push_back(*img);
    }
  }
  if (needs) {
    if (needs->is_scalar() && !needs->is_null()) {
      j.needs.push_back(values.keep(needs->value()));
    } else if (needs->is_sequence()) {
      for (const auto& item : needs->items()) {
        if (item.is_scalar()) j.needs.push_back(values.keep(item.value()));
      }
    }
  }
  j.env = values.scalar_map(env);
  j.outputs = values.scalar_map(outputs);
  parse_steps(steps, values, j.steps);
  return j;
}

// Where each line of `text` starts: after every line break libyaml counts.
std::vector<std::uint32_t> line_starts_of(std::string_view text) {
  std::vector<std::uint32_t> starts;
  // Counting first is cheaper than growing the vector (reallocations and
  // fresh pages), though it executes more instructions.
  starts.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  starts.push_back(0);
  // No byte that can start another kind of break (the usual case): memchr
  // finds the LFs much faster than the byte-by-byte scan below.
  if (text.find('\r') == std::string_view::npos && text.find('\xC2') == std::string_view::npos &&
      text.find('\xE2') == std::string_view::npos) {
    for (std::size_t end = text.find('\n'); end != std::string_view::npos; end = text.find('\n', end + 1)) {
      starts.push_back(static_cast<std::uint32_t>(end + 1));
    }
    return starts;
  }
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = yaml::line_break_length(text, i);
    if (n == 0) {
      ++i;
      continue;
    }
    i += n;
    starts.push_back(static_cast<std::uint32_t>(i));
  }
  return starts;
}

// action.yml / action.yaml: a composite action's steps become one pseudo-job.
void parse_action(const Node& root, const Node& runs, Values& values, WorkflowFile& wf) {
  wf.name = values.scalar_field(root, "name");
  Job j;
  j.id = "runs";
  j.line = runs.line;
  if (runs.is_mapping()) {
    const Node* using_node = runs.get("using");
    wf.is_composite_action = using_node && using_node->is_scalar() && using_node->value() == "composite";
    parse_steps(runs.get("steps"), values, j.steps);
    j.env = values.scalar_map(runs.get("env"));
    if (auto img = values.scalar_field(runs, "image"); img && img->value.starts_with("docker://")) {
      j.container_image = img;
    }
  }
  wf.jobs.push_back(std::move(j));
}

}  // namespace

WorkflowFile parse_workflow(const std::string& path, std::string_view text) {
  return parse_workflow(path, std::make_shared<const std::string>(text));
}

WorkflowFile parse_workflow(const std::string& path, std::shared_ptr<const std::string> source) {
  WorkflowFile wf;
  wf.path = path;
  const std::string_view text = source ? std::string_view(*source) : std::string_view();
  if (text.size() > UINT32_MAX) {
    // Line offsets and YAML node sizes are 32-bit; the file limit is far below.
    wf.parse_error = yaml::ParseError{"the file is larger than 4 GiB", 1, 1};
    return wf;
  }
  wf.line_starts = line_starts_of(text);
  wf.source = std::move(source);
  yaml::ParseResult parsed = yaml::parse(text);
  if (parsed.error) {
    wf.parse_error = std::move(parsed.error);
    return wf;
  }
  const Node* root = nullptr;
  for (const auto& doc : parsed.documents) {
    if (doc.root) {
      root = &*doc.root;
      break;
    }
  }
  if (!root) {
    wf.parse_error = yaml::ParseError{"the file holds no YAML document (empty workflow)", 1, 1};
    return wf;
  }
  if (!root->is_mapping()) {
    wf.parse_error = yaml::ParseError{"the top level of a workflow must be a mapping", root->line, root->column};
    return wf;
  }
  Values values(text);
  const Node* runs = root->get("runs");
  if (runs && !root->get("jobs")) {
    parse_action(*root, *runs, values, wf);
  } else {
    wf.name = values.scalar_field(*root, "name");
    int on_line = 0;
    if (const Node* on = find_on(*root, on_line)) {
      wf.on_line = on_line;
      parse_triggers(*on, values, wf.triggers);
    }
    wf.permissions = parse_permissions(*root, values);
    wf.env = values.scalar_map(root->get("env"));
    const Node* jobs = root->get("jobs");
    if (jobs && jobs->is_mapping()) {
      wf.jobs.reserve(jobs->entries().size());
      for (const auto& [k, v] : jobs->entries()) {
        if (k.is_scalar()) wf.jobs.push_back(parse_job(k, v, values));
      }
    } else if (jobs && !jobs->is_null()) {
      wf.parse_error = yaml::ParseError{"`jobs` must be a mapping of job ids to jobs", jobs->line, jobs->column};
    }
  }
  wf.text = std::move(values).store();
  return wf;
}

}  // namespace pm::engine
