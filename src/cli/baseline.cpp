// `phase-mirror-mcp baseline create --out FILE FILES...`: records the SHA-256
// of governance files for analyze_dissonance's drift mode (MD-005). Paths
// follow the workspace rules (PHASE_MIRROR_WORKSPACE, else the current
// directory).
#include "engine/baseline.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/commands.hpp"
#include "util/time.hpp"

namespace pm::cli {

namespace {

constexpr const char* kBaselineUsage =
    "Usage: phase-mirror-mcp baseline create --out FILE [--json] FILES...\n\n"
    "Writes the drift baseline read by analyze_dissonance (mode drift, baselineFile):\n"
    "  {\"schemaVersion\": \"1.0.0\", \"createdAt\": ..., \"files\": {\"<path>\": \"<sha256>\"}}\n"
    "FILES are resolved against PHASE_MIRROR_WORKSPACE (else the current directory) and\n"
    "recorded by their workspace-relative path; every file must be readable.\n"
    "  --out FILE  where to write the baseline (overwritten)\n"
    "  --json      print {out, files} instead of a sentence";

}  // namespace

int run_baseline(const std::vector<std::string>& args, const Config& config) {
  if (has_flag(args, "--help") || has_flag(args, "-h")) {
    print_out(kBaselineUsage);
    return 0;
  }
  if (args.empty() || args[0] != "create") {
    print_err("phase-mirror-mcp baseline: expected 'create' (see --help)");
    return 2;
  }
  std::optional<std::string> out;
  bool json = false;
  std::vector<std::string> files;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      json = true;
    } else if (a == "--out" && i + 1 < args.size()) {
      out = args[++i];
    } else if (a.rfind("--out=", 0) == 0) {
      out = a.substr(6);
    } else if (a.rfind("--", 0) == 0) {
      print_err("phase-mirror-mcp baseline: unknown option '" + a + "' (see --help)");
      return 2;
    } else {
      files.push_back(a);
    }
  }
  if (!out || out->empty() || files.empty()) {
    print_err("phase-mirror-mcp baseline: --out FILE and at least one file are required (see --help)");
    return 2;
  }
  std::vector<std::string> roots;
  if (config.workspace) {
    roots.push_back(*config.workspace);
  } else {
    roots.push_back(std::filesystem::current_path().string());
  }
  engine::Workspace ws(roots, config.max_file_bytes);
  auto baseline = engine::create_baseline(ws, files, now_iso8601_ms());
  if (!baseline) {
    print_err("phase-mirror-mcp baseline: " + baseline.error().code + ": " + baseline.error().message);
    return 1;
  }
  const std::string tmp = *out + ".tmp." + std::to_string(::getpid());
  const auto cannot_write = [&] {
    print_err("phase-mirror-mcp baseline: cannot write " + *out);
    if (std::remove(tmp.c_str()) != 0 && errno != ENOENT) {
      print_err("phase-mirror-mcp baseline: cannot remove the temporary file " + tmp);
    }
    return 1;
  };
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << dump_pretty(*baseline) << "\n";
    f.close();  // a write that fails only when the buffer is flushed shows here
    if (f.fail()) return cannot_write();
  }
  if (std::rename(tmp.c_str(), out->c_str()) != 0) return cannot_write();
  const auto n = (*baseline)["files"].size();
  if (json) {
    print_out(dump_pretty(Json{{"out", *out}, {"files", n}}));
  } else {
    print_out("Baseline of " + std::to_string(n) + " file(s) written to " + *out);
  }
  return 0;
}

}  // namespace pm::cli
