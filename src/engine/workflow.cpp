#include "engine/workflow.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "util/budget.hpp"
#include "util/strings.hpp"

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

PositionCursor::PositionCursor(const WorkflowFile& wf, const Located& value)
    : value_(value), src_text_(wf.source ? std::string_view(*wf.source) : std::string_view()) {
  if (value.line < 1 || static_cast<std::size_t>(value.line) > wf.line_count()) {
    lost_ = true;
    return;
  }
  std::size_t s = wf.line_starts[static_cast<std::size_t>(value.line) - 1];
  for (int col = 1; col < value.column && s < src_text_.size() && yaml::line_break_length(src_text_, s) == 0; ++col) {
    ++s;
    while (s < src_text_.size() && (static_cast<unsigned char>(src_text_[s]) & 0xC0) == 0x80) ++s;
  }
  start_ = s;
  // A scalar spans at most one source line per character of its value, plus
  // its indicator and closing lines.
  const std::size_t last = std::min(wf.line_count(), static_cast<std::size_t>(value.line) + value.value.size() + 2);
  limit_ = last < wf.line_count() ? wf.line_starts[last] : src_text_.size();
  restart();
}

void PositionCursor::restart() {
  v_ = 0;
  s_ = start_;
  pos_ = Position{value_.line, value_.column};
}

void PositionCursor::step_source() {
  const std::size_t brk = yaml::line_break_length(src_text_, s_);
  if (brk > 0) {
    s_ += brk;
    ++pos_.line;
    pos_.column = 1;
    return;
  }
  ++s_;
  if (s_ < src_text_.size() && (static_cast<unsigned char>(src_text_[s_]) & 0xC0) != 0x80) ++pos_.column;
}

// A double-quoted scalar's escape at s_: skips it in the source and the
// characters it stands for in the value. False when the text there is not an
// escape.
bool PositionCursor::step_escape() {
  if (s_ + 1 >= src_text_.size()) return false;
  if (yaml::line_break_length(src_text_, s_ + 1) > 0) {
    // An escaped line break joins the lines: nothing in the value.
    step_source();
    step_source();
    while (s_ < limit_ && (src_text_[s_] == ' ' || src_text_[s_] == '\t')) step_source();
    return true;
  }
  std::size_t length = 2;
  std::size_t produced = 1;
  std::size_t hex = 0;
  switch (src_text_[s_ + 1]) {
    case 'N':
    case '_': produced = 2; break;
    case 'L':
    case 'P': produced = 3; break;
    case 'x': hex = 2; break;
    case 'u': hex = 4; break;
    case 'U': hex = 8; break;
    case '0':
    case 'a':
    case 'b':
    case 't':
    case '\t':
    case 'n':
    case 'v':
    case 'f':
    case 'r':
    case 'e':
    case ' ':
    case '"':
    case '/':
    case '\\': break;
    default: return false;
  }
  if (hex > 0) {
    std::uint32_t code = 0;
    for (std::size_t i = 0; i < hex; ++i) {
      if (s_ + 2 + i >= src_text_.size()) return false;
      const char c = src_text_[s_ + 2 + i];
      const int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
      if (d < 0) return false;
      code = code * 16 + static_cast<std::uint32_t>(d);
    }
    length += hex;
    produced = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  if (s_ + length > limit_) return false;
  for (std::size_t i = 0; i < length; ++i) step_source();
  v_ = std::min(v_ + produced, value_.value.size());
  return true;
}

Position PositionCursor::at(std::size_t offset) {
  const std::string_view v = value_.value;
  offset = std::min(offset, v.size());
  if (offset < v_) restart();
  while (!lost_ && v_ < offset) {
    if (s_ >= limit_) {
      lost_ = true;
      break;
    }
    const char vc = v[v_];
    if (yaml::line_break_length(src_text_, s_) > 0) {
      if (vc == '\n') ++v_;
      step_source();
    } else if (src_text_[s_] == vc) {
      ++v_;
      step_source();
    } else if (src_text_[s_] != '\\' || !step_escape()) {
      step_source();
    }
  }
  if (lost_) return Position{value_.line, value_.column};
  // Settle on the source character that stands for value[offset].
  if (offset < v.size()) {
    const char vc = v[offset];
    while (s_ < limit_) {
      const bool brk = yaml::line_break_length(src_text_, s_) > 0;
      if ((brk && vc == '\n') || (!brk && src_text_[s_] == vc)) break;
      if (!brk && src_text_[s_] == '\\') {
        // An escaped line break stands for nothing: go on after it; any
        // other escape stands for the character asked for.
        if (s_ + 1 < src_text_.size() && yaml::line_break_length(src_text_, s_ + 1) > 0) {
          step_escape();
          continue;
        }
        break;
      }
      step_source();
    }
  }
  return pos_;
}

namespace {

using yaml::Node;

// Builds the model's values: text written verbatim in the source (plain
// scalars of the block-style scanner) stays a view into it; everything else
// is copied once into the file's text store.
class Values {
 public:
  Values(std::string_view source, const std::vector<std::uint32_t>& line_starts, Budget* budget)
      : source_(source), line_starts_(line_starts), budget_(budget) {}

  // Asks the call's budget for one more job or step of the model; false once
  // it stopped (the model is then left unfinished).
  bool step() { return budget_ == nullptr || budget_->step(); }

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

  // A scalar value where its text starts: block scalars (| and >) on the
  // line after their indicator, after its indentation; quoted ones after the
  // quote.
  Located located(const Node& n) {
    int line = n.line;
    int column = n.column;
    if (n.style == yaml::ScalarStyle::kLiteral || n.style == yaml::ScalarStyle::kFolded) {
      ++line;
      column = 1 + indentation(line);
    } else if (n.style == yaml::ScalarStyle::kSingleQuoted || n.style == yaml::ScalarStyle::kDoubleQuoted) {
      ++column;
    }
    return Located{keep(n.value()), line, column};
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
  // Leading spaces of source line `line` (1-based; 0 when out of range).
  int indentation(int line) const {
    if (line < 1 || static_cast<std::size_t>(line) > line_starts_.size()) return 0;
    int n = 0;
    for (std::size_t i = line_starts_[static_cast<std::size_t>(line) - 1]; i < source_.size() && source_[i] == ' ';
         ++i) {
      ++n;
    }
    return n;
  }

  std::string_view source_;
  const std::vector<std::uint32_t>& line_starts_;
  Budget* budget_;
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
    if (!on.is_null()) out.push_back(values.located(on));
  } else if (on.is_sequence()) {
    for (const auto& item : on.items()) {
      if (item.is_scalar() && !item.is_null()) out.push_back(values.located(item));
    }
  } else {
    for (const auto& [k, v] : on.entries()) {
      if (k.is_scalar()) out.push_back(values.located(k));
    }
  }
}

// The inputs declared in a mapping of input names to their definitions.
void parse_inputs(const Node* inputs, InputSource source, Values& values, std::vector<Input>& out) {
  if (!inputs || !inputs->is_mapping()) return;
  for (const auto& [k, v] : inputs->entries()) {
    if (!k.is_scalar()) continue;
    Input in;
    in.name = values.keep(k.value());
    in.source = source;
    in.line = k.line;
    in.column = k.column;
    if (const OptionalLocated type = v.is_mapping() ? values.scalar_field(v, "type") : std::nullopt) {
      in.type = type->value;
    }
    out.push_back(in);
  }
}

Permissions parse_permissions(const Node& root, Values& values, std::string_view key = "permissions") {
  Permissions p;
  for (const auto& [k, v] : root.entries()) {
    if (!k.is_scalar() || k.value() != key) continue;
    p.present = true;
    p.line = k.line;
    p.column = k.column;
    if (v.is_scalar()) {
      if (!v.is_null()) p.shorthand = values.keep(v.value());
    } else if (v.is_mapping()) {
      for (const auto& [sk, sv] : v.entries()) {
        if (sk.is_scalar() && sv.is_scalar()) {
          // The level, where its scope is written (the line a finding cites).
          p.scopes.emplace_back(values.keep(sk.value()), Located{values.keep(sv.value()), sk.line, sk.column});
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
    if (!values.step()) return;
    if (item.is_mapping()) out.push_back(parse_step(item, values));
  }
}

OptionalLocated image_of(const Node* n, Values& values) {
  if (!n) return std::nullopt;
  if (n->is_scalar()) return n->is_null() ? OptionalLocated() : OptionalLocated(values.located(*n));
  if (n->is_mapping()) return values.scalar_field(*n, "image");
  return std::nullopt;
}

bool has_expression(const Node& n) {
  return n.is_scalar() && n.value().find("${{") != std::string_view::npos;
}

// A matrix value (a scalar, or one level of mapping as `key.sub`).
void add_matrix_value(std::string_view key, const Node& v, Values& values, Matrix& m) {
  if (v.is_scalar()) {
    m.values.push_back(MatrixValue{values.keep(key), values.located(v)});
    return;
  }
  for (const auto& [sk, sv] : v.entries()) {
    if (sk.is_scalar() && sv.is_scalar()) {
      const std::string sub = std::string(key) + "." + std::string(sk.value());
      m.values.push_back(MatrixValue{values.keep(sub), values.located(sv)});
    }
  }
}

std::shared_ptr<const Matrix> parse_matrix(const Node* strategy, Values& values) {
  if (!strategy || !strategy->is_mapping()) return nullptr;
  for (const auto& [key, v] : strategy->entries()) {
    if (!key.is_scalar() || key.value() != "matrix") continue;
    auto m = std::make_shared<Matrix>();
    m->line = key.line;
    m->column = key.column;
    if (v.is_scalar()) {
      m->from_expression = has_expression(v);
      if (m->from_expression) m->expressions.push_back(MatrixValue{{}, values.located(v)});
      return m;
    }
    for (const auto& [k, val] : v.entries()) {
      if (!k.is_scalar() || k.value() == "exclude") continue;
      if (k.value() == "include") {
        if (has_expression(val)) {
          m->expression_keys.push_back(values.keep(k.value()));
          m->expressions.push_back(MatrixValue{m->expression_keys.back(), values.located(val)});
        }
        for (const auto& entry : val.items()) {
          for (const auto& [ik, iv] : entry.entries()) {
            if (ik.is_scalar()) add_matrix_value(ik.value(), iv, values, *m);
          }
        }
        continue;
      }
      if (has_expression(val)) {
        m->expression_keys.push_back(values.keep(k.value()));
        m->expressions.push_back(MatrixValue{m->expression_keys.back(), values.located(val)});
      } else if (val.is_scalar()) {
        add_matrix_value(k.value(), val, values, *m);
      }
      for (const auto& item : val.items()) add_matrix_value(k.value(), item, values, *m);
    }
    return m;
  }
  return nullptr;
}

constexpr std::array<std::string_view, 13> kJobKeys = {"name",      "uses",     "if",     "secrets", "environment",
                                                       "container", "services", "needs",  "env",     "outputs",
                                                       "steps",     "strategy", "runs-on"};

// The `credentials:` of a container or service mapping, when it has any.
void add_credentials(std::string_view service, const Node& n, Values& values, std::vector<RegistryCredentials>& out) {
  if (!n.is_mapping()) return;
  const Node* credentials = nullptr;
  RegistryCredentials c;
  for (const auto& [k, v] : n.entries()) {
    if (k.is_scalar() && k.value() == "credentials") {
      credentials = &v;
      c.line = k.line;
      c.column = k.column;
      break;
    }
  }
  if (!credentials || !credentials->is_mapping()) return;
  c.service = service;
  c.image = values.scalar_field(n, "image");
  c.username = values.scalar_field(*credentials, "username");
  c.password = values.scalar_field(*credentials, "password");
  if (c.username || c.password) out.push_back(c);
}

void parse_runs_on(const Node& n, Values& values, Job& j) {
  const auto labels = [&](const Node& v) {
    if (v.is_scalar()) {
      if (!v.is_null()) j.runs_on.push_back(values.located(v));
      return;
    }
    for (const auto& item : v.items()) {
      if (item.is_scalar() && !item.is_null()) j.runs_on.push_back(values.located(item));
    }
  };
  if (!n.is_mapping()) {
    labels(n);
    return;
  }
  if (const Node* l = n.get("labels")) labels(*l);
  j.runner_group = values.scalar_field(n, "group");
}

Job parse_job(const Node& key, const Node& n, Values& values) {
  Job j;
  j.id = values.keep(key.value());
  j.line = key.line;
  j.column = key.column;
  if (!n.is_mapping()) return j;
  const auto [name, uses, if_cond, secrets, environment, container, services, needs, env, outputs, steps, strategy,
              runs_on] = first_values(n, kJobKeys);
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
  if (container) add_credentials({}, *container, values, j.registry_credentials);
  if (services && services->is_mapping()) {
    for (const auto& [sk, sv] : services->entries()) {
      if (auto img = image_of(&sv, values)) j.services_images.push_back(*img);
      if (sk.is_scalar()) add_credentials(values.keep(sk.value()), sv, values, j.registry_credentials);
    }
  }
  if (runs_on) parse_runs_on(*runs_on, values, j);
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
  j.matrix = parse_matrix(strategy, values);
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
  wf.is_action = true;
  wf.name = values.scalar_field(root, "name");
  parse_inputs(root.get("inputs"), InputSource::kAction, values, wf.inputs);
  Job j;
  j.id = "runs";
  j.line = runs.line;
  j.column = runs.column;
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

namespace {

bool continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Length of the valid UTF-8 sequence at text[i] (not NUL), 0 when there is none.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto b = [&](std::size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0; };
  const unsigned char c = b(0);
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return continuation(b(1)) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;
    return b(1) >= lo && b(1) <= hi && continuation(b(2)) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
    return b(1) >= lo && b(1) <= hi && continuation(b(2)) && continuation(b(3)) ? 4 : 0;
  }
  return 0;
}

// Offset of the first NUL byte or invalid UTF-8 sequence, npos when the text
// is valid. Eight ASCII bytes without a NUL are taken at once.
std::size_t first_invalid_byte(std::string_view text) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  std::size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {
      std::uint64_t w = 0;
      std::memcpy(&w, text.data() + i, 8);
      if ((w & kHigh) == 0 && ((w - kOnes) & ~w & kHigh) == 0) {
        i += 8;
        continue;
      }
    }
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

// Line and column (characters) of byte `offset`.
Position position_of(const std::vector<std::uint32_t>& line_starts, std::string_view text, std::size_t offset) {
  const auto it = std::upper_bound(line_starts.begin(), line_starts.end(), static_cast<std::uint32_t>(offset));
  const auto line = static_cast<std::size_t>(it - line_starts.begin());
  int column = 1;
  for (std::size_t i = line_starts[line - 1]; i < offset; ++i) {
    if (!continuation(static_cast<unsigned char>(text[i]))) ++column;
  }
  return Position{static_cast<int>(line), column};
}

}  // namespace

WorkflowFile parse_workflow(const std::string& path, std::string_view text, Budget* budget) {
  return parse_workflow(path, std::make_shared<const std::string>(text), budget);
}

WorkflowFile parse_workflow(const std::string& path, std::shared_ptr<const std::string> source, Budget* budget) {
  WorkflowFile wf;
  wf.path = path;
  const std::string_view text = source ? std::string_view(*source) : std::string_view();
  if (text.size() > UINT32_MAX) {
    // Line offsets and YAML node sizes are 32-bit; the file limit is far below.
    wf.parse_error = yaml::ParseError{"the file is larger than 4 GiB", 1, 1};
    return wf;
  }
  // The line and encoding scans below read every byte once.
  if (budget != nullptr && !budget->step(text.size())) {
    wf.parse_error = yaml::ParseError{yaml::kStoppedMessage, 1, 1};
    return wf;
  }
  wf.line_starts = line_starts_of(text);
  wf.source = std::move(source);
  // GitHub reads workflows as UTF-8 text: a file that is not would otherwise
  // reach the rules half-read (or be taken for binary) and pass unchecked.
  if (const std::size_t bad = first_invalid_byte(text); bad != std::string_view::npos) {
    const Position at = position_of(wf.line_starts, text, bad);
    wf.parse_error = yaml::ParseError{str_cat({text[bad] == '\0' ? "a NUL byte" : "invalid UTF-8", " at byte offset ",
                                               std::to_string(bad), ": a workflow must be UTF-8 text"}),
                                      at.line, at.column};
    return wf;
  }
  yaml::Limits limits;
  limits.budget = budget;
  yaml::ParseResult parsed = yaml::parse(text, limits);
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
  Values values(text, wf.line_starts, budget);
  const Node* runs = root->get("runs");
  if (runs && !root->get("jobs")) {
    parse_action(*root, *runs, values, wf);
  } else {
    wf.name = values.scalar_field(*root, "name");
    int on_line = 0;
    if (const Node* on = find_on(*root, on_line)) {
      wf.on_line = on_line;
      parse_triggers(*on, values, wf.triggers);
      if (const Node* call = on->get("workflow_call"); call && call->is_mapping()) {
        parse_inputs(call->get("inputs"), InputSource::kWorkflowCall, values, wf.inputs);
      }
      if (const Node* dispatch = on->get("workflow_dispatch"); dispatch && dispatch->is_mapping()) {
        parse_inputs(dispatch->get("inputs"), InputSource::kWorkflowDispatch, values, wf.inputs);
      }
    }
    wf.permissions = parse_permissions(*root, values);
    wf.env = values.scalar_map(root->get("env"));
    const Node* jobs = root->get("jobs");
    if (jobs && jobs->is_mapping()) {
      wf.jobs.reserve(jobs->entries().size());
      for (const auto& [k, v] : jobs->entries()) {
        if (!values.step()) break;
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
