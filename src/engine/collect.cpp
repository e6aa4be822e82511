#include "engine/collect.hpp"

#include <algorithm>
#include <set>

namespace pm::engine {

const std::vector<std::string>& skipped_directory_names() {
  static const std::vector<std::string> names = {".git",   ".hg",         ".svn",  "node_modules", "bower_components",
                                                 "vendor", "third_party", ".venv", "venv",         "__pycache__",
                                                 ".tox"};
  return names;
}

std::vector<std::string> Collection::analysis_files() const {
  std::vector<std::string> all;
  for (const auto* list : {&workflows, &actions, &dependabot, &other_files})
    all.insert(all.end(), list->begin(), list->end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

// Helpers of this file only; a named namespace keeps them apart from the other
// engine files of a batched build.
namespace collect_detail {

// How the walk names itself in a budget's error.
constexpr const char* kWalk = "the repository walk";

std::string join_relative(const std::string& dir, const std::string& name) {
  return dir.empty() || dir == "." ? name : dir + "/" + name;
}

bool has_suffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view base_name(std::string_view rel) {
  const auto slash = rel.rfind('/');
  return slash == std::string_view::npos ? rel : rel.substr(slash + 1);
}

std::string_view parent_of(std::string_view rel) {
  const auto slash = rel.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : rel.substr(0, slash);
}

bool is_yaml(std::string_view name) {
  return has_suffix(name, ".yml") || has_suffix(name, ".yaml");
}

// The directory is `.github/<leaf>` at any level.
bool in_github_dir(std::string_view rel, std::string_view leaf) {
  const std::string_view parent = parent_of(rel);
  const std::string suffix = ".github" + std::string(leaf.empty() ? "" : "/") + std::string(leaf);
  return parent == suffix || has_suffix(parent, "/" + suffix);
}

// Literal entries of a .gitignore: names (any level) and root-anchored paths.
struct IgnoreList {
  std::set<std::string, std::less<>> names;
  std::set<std::string, std::less<>> paths;

  bool ignores(std::string_view rel) const { return names.count(base_name(rel)) != 0 || paths.count(rel) != 0; }
};

IgnoreList read_gitignore(const Workspace& ws, Budget& budget) {
  IgnoreList list;
  auto data = ws.read(".gitignore");
  if (!data) return list;
  std::size_t pos = 0;
  const std::string& text = data->bytes;
  while (pos < text.size() && budget.step()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    // Patterns (wildcards, negations, escapes) are left to git: only literal entries are read.
    if (line.empty() || line[0] == '#' || line[0] == '!' || line.find_first_of("*?[\\") != std::string::npos) continue;
    while (line.size() > 1 && line.back() == '/') line.pop_back();
    const bool anchored = line[0] == '/';
    if (anchored) line.erase(0, 1);
    if (line.empty() || line == "." || line.find("..") != std::string::npos) continue;
    if (anchored || line.find('/') != std::string::npos) {
      list.paths.insert(line);
    } else {
      list.names.insert(line);
    }
  }
  return list;
}

class Walker {
 public:
  Walker(const Workspace& ws, const CollectRequest& req, Collection& out, Budget& budget)
      : ws_(ws), req_(req), out_(out), budget_(budget), ignore_(read_gitignore(ws, budget)) {}

  // A file named on the command line (or matched by a glob): taken whatever its kind.
  Status add_named(const std::string& rel) { return add(rel, true); }

  // Walks the directory `rel` ("" for the root); the recursion is as deep as
  // the directory tree, which max_depth bounds.
  Status walk(const std::string& rel, int depth, const CollectRequest::Pattern* pattern) {
    auto listed = ws_.list_entries(rel.empty() ? "." : rel, budget_);
    if (budget_.stopped()) return budget_.error(kWalk);
    if (!listed) {
      out_.skipped.push_back(SkippedPath{rel.empty() ? "." : rel, "cannot be listed: " + listed.error().message});
      return ok_status();
    }
    out_.entries_seen += listed->size();
    if (out_.entries_seen > req_.limits.max_entries) return too_many("directory entries", req_.limits.max_entries);
    for (const auto& e : *listed) {
      const std::string child = join_relative(rel, e.name);
      if (e.kind == EntryKind::kLink) {
        out_.skipped.push_back(SkippedPath{child, "symbolic link (not followed)"});
        continue;
      }
      if (excluded(child)) continue;
      if (e.kind == EntryKind::kDirectory) {
        if (std::find(skipped_directory_names().begin(), skipped_directory_names().end(), e.name) !=
            skipped_directory_names().end()) {
          continue;
        }
        if (depth + 1 > req_.limits.max_depth) {
          out_.skipped.push_back(
              SkippedPath{child, "deeper than " + std::to_string(req_.limits.max_depth) + " directory levels"});
          continue;
        }
        if (auto st = walk(child, depth + 1, pattern); !st.ok()) return st;
        continue;
      }
      if (e.kind != EntryKind::kFile) continue;  // sockets, devices, FIFOs
      if (pattern != nullptr && !pattern->match(child)) continue;
      if (e.size > ws_.max_file_bytes()) {
        out_.skipped.push_back(SkippedPath{child, "larger than " + std::to_string(ws_.max_file_bytes()) + " bytes"});
        continue;
      }
      if (auto st = pattern != nullptr ? add(child, true) : add(child, false); !st.ok()) return st;
    }
    return ok_status();
  }

  bool excluded(const std::string& rel) const {
    if (ignore_.ignores(rel)) return true;
    for (const auto& d : req_.excluded_dirs) {
      if (rel == d || (rel.size() > d.size() && rel.compare(0, d.size(), d) == 0 && rel[d.size()] == '/')) return true;
    }
    return req_.exclude && req_.exclude(rel);
  }

 private:
  Status add(const std::string& rel, bool named) {
    if (!seen_.insert(rel).second) return ok_status();
    const std::string_view name = base_name(rel);
    bool taken = true;
    if (is_yaml(name) && in_github_dir(rel, "workflows")) {
      out_.workflows.push_back(rel);
    } else if (name == "action.yml" || name == "action.yaml") {
      out_.actions.push_back(rel);
    } else if ((name == "dependabot.yml" || name == "dependabot.yaml") && in_github_dir(rel, "")) {
      out_.dependabot.push_back(rel);
    } else if (rel == ".github/.phase-mirror/policy.json") {
      out_.policy_file = rel;
    } else if (rel == ".github/phase-mirror.yml" || rel == ".github/phase-mirror.yaml") {
      if (!out_.config_file) out_.config_file = rel;
    } else if (named) {
      out_.other_files.push_back(rel);
    } else {
      taken = false;
    }
    if (req_.source_tree) out_.source_files.push_back(rel);
    if (taken || req_.source_tree) ++files_;
    if (files_ > req_.limits.max_files) return too_many("files", req_.limits.max_files);
    return ok_status();
  }

  static Error too_many(const std::string& what, std::size_t limit) {
    Error e = Error::invalid_input("More than " + std::to_string(limit) + " " + what +
                                   " to scan: name the directories that matter, or exclude some");
    e.details = Json{{"limit", limit}};
    return e;
  }

  const Workspace& ws_;
  const CollectRequest& req_;
  Collection& out_;
  Budget& budget_;
  IgnoreList ignore_;
  std::set<std::string> seen_;
  std::size_t files_ = 0;
};

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace collect_detail

Result<Collection> collect(const Workspace& ws, const CollectRequest& request, Budget& budget) {
  using collect_detail::Walker;
  Collection out;
  Walker walker(ws, request, out, budget);
  if (budget.stopped()) return budget.error(collect_detail::kWalk);
  std::vector<std::string> paths = request.paths;
  if (paths.empty() && request.patterns.empty()) paths.emplace_back(".");
  for (const auto& given : paths) {
    // The walk starts at the path as resolved (its real workspace path: a
    // link given by name is followed once, to a place inside the workspace)
    // and records workspace-relative paths from there: those are what
    // findings name.
    auto resolved = ws.resolve(given);
    if (!resolved) return resolved.take_error();
    const std::string rel = resolved->relative == "." ? "" : resolved->relative;
    if (resolved->kind == EntryKind::kDirectory) {
      if (auto st = walker.walk(rel, 0, nullptr); !st.ok()) return st.error();
    } else if (resolved->kind == EntryKind::kFile) {
      if (auto st = walker.add_named(rel); !st.ok()) return st.error();
    } else {
      return Error::file_not_found(given);
    }
  }
  for (const auto& p : request.patterns) {
    auto resolved = ws.resolve(p.base.empty() ? "." : p.base);
    if (!resolved && resolved.error().code == code::kFileNotFound) continue;  // nothing to match there
    if (!resolved) return resolved.take_error();
    if (resolved->kind != EntryKind::kDirectory) continue;  // nothing can match under a missing directory
    const std::string rel = resolved->relative == "." ? "" : resolved->relative;
    if (auto st = walker.walk(rel, 0, &p); !st.ok()) return st.error();
  }
  for (auto* list : {&out.workflows, &out.actions, &out.dependabot, &out.other_files, &out.source_files}) {
    collect_detail::sort_unique(*list);
  }
  std::sort(out.skipped.begin(), out.skipped.end(),
            [](const SkippedPath& a, const SkippedPath& b) { return a.path < b.path; });
  return out;
}

}  // namespace pm::engine
