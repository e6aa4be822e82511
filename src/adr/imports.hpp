#pragma once
// Import/include statements of a source file, with the paths or module names
// they may refer to, for forbid-import rules.
#include <string>
#include <string_view>
#include <vector>

#include "util/budget.hpp"

namespace pm::adr {

struct ImportRef {
  std::string spec;       // as written: "engine/yaml.hpp", "../db/client", "os.path"
  int line = 0;           // 1-based
  std::string line_text;  // the line, trimmed and clipped as evidence (200 bytes)
  // Workspace-relative paths (or bare module names) a `to` glob is matched
  // against: the spec itself, relative specifiers resolved against the
  // importing file's directory, Python modules as '/' paths (+ ".py").
  std::vector<std::string> candidates;
};

// Language by extension: C/C++ (#include/#import), JS/TS (import ... from,
// import(), require(), export ... from), Python (import x.y, from x import y,
// relative imports). Other files have no imports. Stops early (with what it
// found so far) when the budget stops; what it keeps is charged to it.
std::vector<ImportRef> extract_imports(std::string_view relative_path, std::string_view content, Budget& budget);

}  // namespace pm::adr
