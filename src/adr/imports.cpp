#include "adr/imports.hpp"

#include <re2/re2.h>

#include "adr/checks.hpp"
#include "adr/glob.hpp"

namespace pm::adr {
namespace {

enum class Lang { kNone, kC, kJs, kPython };

Lang language_of(std::string_view path) {
  const auto dot = path.find_last_of('.');
  const auto slash = path.find_last_of('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return Lang::kNone;
  const std::string ext(path.substr(dot + 1));
  for (const char* e :
       {"c", "cc", "cpp", "cxx", "c++", "h", "hh", "hpp", "hxx", "h++", "ipp", "inl", "tpp", "m", "mm"}) {
    if (ext == e) return Lang::kC;
  }
  for (const char* e : {"js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "vue", "svelte"}) {
    if (ext == e) return Lang::kJs;
  }
  if (ext == "py" || ext == "pyi") return Lang::kPython;
  return Lang::kNone;
}

std::string dir_of(std::string_view path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? "" : std::string(path.substr(0, slash));
}

std::string join(const std::string& dir, std::string_view rel) {
  return normalize_path(dir.empty() ? std::string(rel) : dir + "/" + std::string(rel));
}

bool has_extension(std::string_view p) {
  const auto dot = p.find_last_of('.');
  const auto slash = p.find_last_of('/');
  return dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash);
}

// Keeps an import, charged to the budget.
void keep_import(std::vector<ImportRef>& out, ImportRef r, Budget& budget) {
  std::uint64_t bytes = sizeof(ImportRef) + r.spec.size() + r.line_text.size();
  for (const auto& c : r.candidates) bytes += sizeof(std::string) + c.size();
  if (budget.charge(bytes)) out.push_back(std::move(r));
}

void add_js(std::vector<ImportRef>& out, const std::string& spec, int line, const std::string& text,
            const std::string& dir, Budget& budget) {
  ImportRef r{spec, line, text, {}};
  if (spec.rfind("./", 0) == 0 || spec.rfind("../", 0) == 0 || spec == "." || spec == "..") {
    const std::string p = join(dir, spec);
    r.candidates.push_back(p);
    if (!has_extension(p)) {
      for (const char* ext : {".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs"}) r.candidates.push_back(p + ext);
      r.candidates.push_back(p + "/index.ts");
      r.candidates.push_back(p + "/index.js");
    }
  } else {
    r.candidates.push_back(spec);
  }
  keep_import(out, std::move(r), budget);
}

void add_python(std::vector<ImportRef>& out, const std::string& module, int line, const std::string& text,
                const std::string& base_dir, bool relative, Budget& budget) {
  std::string path = module;
  for (char& c : path) {
    if (c == '.') c = '/';
  }
  ImportRef r{module, line, text, {}};
  const std::string p = relative ? join(base_dir, path) : path;
  r.candidates.push_back(p);
  r.candidates.push_back(p + ".py");
  r.candidates.push_back(p + "/__init__.py");
  if (!relative) r.candidates.push_back(module);
  keep_import(out, std::move(r), budget);
}

// The names of a Python import list ("a.b, c as d", "(x, y)  # note"), each
// with `fn(name)`; the comment and parentheses are dropped by hand, so that
// no regex captures a whole (possibly megabytes long) line.
template <class Fn>
void python_names(std::string_view list, Budget& budget, Fn&& fn) {
  static const RE2 kPyName(R"(^\s*([\w.]+))");
  list = list.substr(0, list.find('#'));
  std::size_t s = 0;
  while (s <= list.size()) {
    auto c = list.find(',', s);
    if (c == std::string_view::npos) c = list.size();
    std::string_view piece = list.substr(s, c - s);
    while (!piece.empty() && (piece.front() == '(' || piece.front() == ' ' || piece.front() == '\t')) {
      piece.remove_prefix(1);
    }
    if (!budget.step(piece.size() + 1)) return;
    std::string name;
    if (RE2::PartialMatch(piece, kPyName, &name)) fn(name);
    s = c + 1;
  }
}

}  // namespace

std::vector<ImportRef> extract_imports(std::string_view relative_path, std::string_view content, Budget& budget) {
  static const RE2 kInclude(R"(^\s*#\s*(?:include|import)\s*([<"])([^">]+)[">])");
  static const RE2 kFrom(R"(\bfrom\s*['"]([^'"]+)['"])");
  static const RE2 kBareImport(R"(^\s*import\s*['"]([^'"]+)['"])");
  static const RE2 kDynamic(R"(\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\))");
  static const RE2 kPyImport(R"(\s*import\s+)");
  static const RE2 kPyFrom(R"(\s*from\s+(\.*)([\w.]*)\s+import\s+)");

  std::vector<ImportRef> out;
  const Lang lang = language_of(relative_path);
  if (lang == Lang::kNone) return out;
  const std::string dir = dir_of(relative_path);
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= content.size()) {
    auto nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    const std::string_view line = content.substr(pos, nl - pos);
    if (!budget.step(line.size() + 1)) break;
    ++line_no;
    pos = nl + 1;
    const std::string text = evidence_of(line);
    if (lang == Lang::kC) {
      std::string delim, spec;
      if (RE2::PartialMatch(line, kInclude, &delim, &spec)) {
        ImportRef r{spec, line_no, text, {spec}};
        if (delim == "\"") {
          const std::string local = join(dir, spec);
          if (local != spec) r.candidates.push_back(local);
        }
        keep_import(out, std::move(r), budget);
      }
    } else if (lang == Lang::kJs) {
      if (text.rfind("//", 0) == 0 || text.rfind('*', 0) == 0) continue;
      std::string spec;
      if (RE2::PartialMatch(line, kFrom, &spec) || RE2::PartialMatch(line, kBareImport, &spec)) {
        add_js(out, spec, line_no, text, dir, budget);
      }
      re2::StringPiece in(line.data(), line.size());
      while (RE2::FindAndConsume(&in, kDynamic, &spec) && !budget.stopped()) {
        add_js(out, spec, line_no, text, dir, budget);
      }
    } else {
      re2::StringPiece rest(line.data(), line.size());
      std::string dots, module;
      if (RE2::Consume(&rest, kPyFrom, &dots, &module)) {
        std::string base = dir;
        for (std::size_t k = 1; k < dots.size() && !base.empty(); ++k) base = dir_of(base);
        const bool relative = !dots.empty();
        if (!module.empty()) {
          add_python(out, module, line_no, text, base, relative, budget);
        } else {
          // `from . import a, b`: each name is a module beside the file.
          python_names(std::string_view(rest.data(), rest.size()), budget,
                       [&](const std::string& name) { add_python(out, name, line_no, text, base, relative, budget); });
        }
      } else if (RE2::Consume(&rest, kPyImport)) {
        python_names(std::string_view(rest.data(), rest.size()), budget,
                     [&](const std::string& name) { add_python(out, name, line_no, text, dir, false, budget); });
      }
    }
    if (nl == content.size()) break;
  }
  return out;
}

}  // namespace pm::adr
