#include "adr/imports.hpp"

#include <re2/re2.h>

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

std::string trim_blanks(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

bool has_extension(std::string_view p) {
  const auto dot = p.find_last_of('.');
  const auto slash = p.find_last_of('/');
  return dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash);
}

void add_js(std::vector<ImportRef>& out, const std::string& spec, int line, const std::string& text,
            const std::string& dir) {
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
  out.push_back(std::move(r));
}

void add_python(std::vector<ImportRef>& out, const std::string& module, int line, const std::string& text,
                const std::string& base_dir, bool relative) {
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
  out.push_back(std::move(r));
}

}  // namespace

std::vector<ImportRef> extract_imports(std::string_view relative_path, std::string_view content) {
  static const RE2 kInclude(R"(^\s*#\s*(?:include|import)\s*([<"])([^">]+)[">])");
  static const RE2 kFrom(R"(\bfrom\s*['"]([^'"]+)['"])");
  static const RE2 kBareImport(R"(^\s*import\s*['"]([^'"]+)['"])");
  static const RE2 kDynamic(R"(\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\))");
  static const RE2 kPyImport(R"(^\s*import\s+(.+?)\s*(?:#.*)?$)");
  static const RE2 kPyFrom(R"(^\s*from\s+(\.*)([\w.]*)\s+import\s+\(?\s*(.+?)\s*\)?\s*(?:#.*)?$)");
  static const RE2 kPyName(R"(^\s*([\w.]+))");

  std::vector<ImportRef> out;
  const Lang lang = language_of(relative_path);
  if (lang == Lang::kNone) return out;
  const std::string dir = dir_of(relative_path);
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= content.size()) {
    auto nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    const std::string line(content.substr(pos, nl - pos));
    ++line_no;
    pos = nl + 1;
    const std::string text = trim_blanks(line);
    if (lang == Lang::kC) {
      std::string delim, spec;
      if (RE2::PartialMatch(line, kInclude, &delim, &spec)) {
        ImportRef r{spec, line_no, text, {spec}};
        if (delim == "\"") {
          const std::string local = join(dir, spec);
          if (local != spec) r.candidates.push_back(local);
        }
        out.push_back(std::move(r));
      }
    } else if (lang == Lang::kJs) {
      if (text.rfind("//", 0) == 0 || text.rfind('*', 0) == 0) continue;
      std::string spec;
      if (RE2::PartialMatch(line, kFrom, &spec) || RE2::PartialMatch(line, kBareImport, &spec)) {
        add_js(out, spec, line_no, text, dir);
      }
      re2::StringPiece in(line);
      while (RE2::FindAndConsume(&in, kDynamic, &spec)) add_js(out, spec, line_no, text, dir);
    } else {
      std::string dots, module, names, list;
      if (RE2::FullMatch(line, kPyFrom, &dots, &module, &names)) {
        std::string base = dir;
        for (std::size_t k = 1; k < dots.size(); ++k) base = dir_of(base);
        const bool relative = !dots.empty();
        if (!module.empty()) {
          add_python(out, module, line_no, text, base, relative);
        } else {
          // `from . import a, b`: each name is a module beside the file.
          std::size_t s = 0;
          while (s <= names.size()) {
            auto c = names.find(',', s);
            if (c == std::string::npos) c = names.size();
            std::string name;
            if (RE2::PartialMatch(names.substr(s, c - s), kPyName, &name)) {
              add_python(out, name, line_no, text, base, relative);
            }
            s = c + 1;
          }
        }
      } else if (RE2::FullMatch(line, kPyImport, &list)) {
        std::size_t s = 0;
        while (s <= list.size()) {
          auto c = list.find(',', s);
          if (c == std::string::npos) c = list.size();
          std::string name;
          if (RE2::PartialMatch(list.substr(s, c - s), kPyName, &name))
            add_python(out, name, line_no, text, dir, false);
          s = c + 1;
        }
      }
    }
    if (nl == content.size()) break;
  }
  return out;
}

}  // namespace pm::adr
