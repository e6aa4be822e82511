#include "tools/collect_paths.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <set>

#include "adr/glob.hpp"
#include "util/answer.hpp"

namespace pm::tools {

bool has_glob_chars(const std::string& path) {
  return path.find_first_of("*?[{") != std::string::npos;
}

Result<engine::CollectRequest::Pattern> collect_pattern(const std::string& glob, Budget& budget) {
  const std::string pattern = adr::normalize_path(glob);
  // The walk starts at the literal directories before the first wildcard segment.
  std::string base;
  for (std::size_t start = 0; start < pattern.size();) {
    const auto slash = pattern.find('/', start);
    const std::string segment = pattern.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (slash == std::string::npos || has_glob_chars(segment)) break;
    base += (base.empty() ? "" : "/") + segment;
    start = slash + 1;
  }
  auto compiled = adr::Glob::compile(pattern, budget);
  if (!compiled) return compiled.take_error();
  return engine::CollectRequest::Pattern{
      glob, base, [g = std::make_shared<adr::Glob>(std::move(*compiled)), &budget](std::string_view rel) {
        return g->matches(rel, budget);
      }};
}

}  // namespace pm::tools

namespace pm::tools {

namespace {

void append_unique_sorted(std::vector<std::string>& into, const std::vector<std::string>& more) {
  into.insert(into.end(), more.begin(), more.end());
  std::sort(into.begin(), into.end());
  into.erase(std::unique(into.begin(), into.end()), into.end());
}

void merge_collection(engine::Collection& into, engine::Collection&& c, std::set<std::string>& skipped_seen) {
  append_unique_sorted(into.workflows, c.workflows);
  append_unique_sorted(into.actions, c.actions);
  append_unique_sorted(into.dependabot, c.dependabot);
  append_unique_sorted(into.other_files, c.other_files);
  if (!into.policy_file) into.policy_file = std::move(c.policy_file);
  if (!into.config_file) into.config_file = std::move(c.config_file);
  for (auto& s : c.skipped) {
    if (skipped_seen.insert(s.path).second) into.skipped.push_back(std::move(s));
  }
  into.entries_seen += c.entries_seen;
}

}  // namespace

Result<CollectedFiles> collect_files(const engine::Workspace& ws, const std::vector<std::string>& entries,
                                     Budget& budget) {
  CollectedFiles out;
  std::set<std::string> given;
  std::set<std::string> listed;
  std::set<std::string> skipped_seen;
  const auto take = [&out, &listed](const std::string& f) {
    if (listed.insert(f).second) out.files.push_back(f);
  };
  for (const auto& entry : entries) {
    if (!given.insert(entry).second) continue;
    engine::CollectRequest req;
    if (has_glob_chars(entry)) {
      auto pattern = collect_pattern(entry, budget);
      if (!pattern) {
        Error e = pattern.take_error();
        e.message = "The glob " + entry + " was refused: " + e.message;
        return e;
      }
      req.patterns.push_back(std::move(*pattern));
    } else {
      // A file, or what cannot be resolved, is read (or reported) by the analysis as before.
      auto resolved = ws.resolve(entry);
      if (!resolved || resolved->kind != engine::EntryKind::kDirectory) {
        take(entry);
        continue;
      }
      req.paths.push_back(entry);
    }
    out.walked = true;
    auto collected = engine::collect(ws, req, budget);
    if (!collected) return collected.take_error();
    const auto files = collected->analysis_files();
    if (files.empty()) out.empty.push_back(entry);
    for (const auto& f : files) take(f);
    merge_collection(out.collection, std::move(*collected), skipped_seen);
  }
  std::sort(out.collection.skipped.begin(), out.collection.skipped.end(),
            [](const engine::SkippedPath& a, const engine::SkippedPath& b) { return a.path < b.path; });
  return out;
}

Json collected_json(const CollectedFiles& c, std::size_t inline_files, bool complete) {
  const auto& col = c.collection;
  const std::size_t max_listed = complete ? SIZE_MAX : answer::kMaxListed;
  const auto echo = [complete](const std::string& s) {
    return complete ? s : answer::clip(s, answer::kMaxEchoBytes).text;
  };
  Json empty = Json::array();
  for (std::size_t i = 0; i < c.empty.size() && i < max_listed; ++i) empty.push_back(echo(c.empty[i]));
  Json skipped = Json::array();
  for (std::size_t i = 0; i < col.skipped.size() && i < max_listed; ++i) {
    skipped.push_back(Json{{"path", echo(col.skipped[i].path)}, {"reason", col.skipped[i].reason}});
  }
  Json j = Json::object();
  j["workflows"] = col.workflows.size();
  j["actions"] = col.actions.size();
  j["dependabot"] = col.dependabot.size();
  j["otherFiles"] = col.other_files.size();
  j["inline"] = inline_files;
  j["policyFile"] = col.policy_file ? Json(*col.policy_file) : Json(nullptr);
  j["configFile"] = col.config_file ? Json(*col.config_file) : Json(nullptr);
  j["entriesSeen"] = col.entries_seen;
  j["nothingCollected"] = std::move(empty);
  j["skipped"] = std::move(skipped);
  if (c.empty.size() > max_listed) {
    j["nothingCollectedTotal"] = c.empty.size();
    j["nothingCollectedTruncated"] = true;
  }
  if (col.skipped.size() > max_listed) {
    j["skippedTotal"] = col.skipped.size();
    j["skippedTruncated"] = true;
  }
  return j;
}

}  // namespace pm::tools
