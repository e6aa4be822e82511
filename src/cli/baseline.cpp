// `phase-mirror-mcp baseline create --out FILE FILES...`: records the SHA-256
// of governance files for analyze_dissonance's drift mode (MD-005). Paths
// follow the workspace rules (PHASE_MIRROR_WORKSPACE, else the current
// directory).
#include "engine/baseline.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "util/time.hpp"

namespace pm::cli {

namespace {

struct BaselineOptions {
  std::string out;
  bool json = false;
  std::vector<std::string> files;
};

int run_baseline(const BaselineOptions& o, const Config& config) {
  std::vector<std::string> roots;
  if (config.workspace) {
    roots.push_back(*config.workspace);
  } else {
    roots.push_back(std::filesystem::current_path().string());
  }
  engine::Workspace ws(roots, config.max_file_bytes);
  auto baseline = engine::create_baseline(ws, o.files, now_iso8601_ms());
  if (!baseline) {
    print_err("phase-mirror-mcp baseline create: " + baseline.error().code + ": " + baseline.error().message);
    return kExitFailure;
  }
  const std::string tmp = o.out + ".tmp." + std::to_string(::getpid());
  const auto cannot_write = [&] {
    print_err("phase-mirror-mcp baseline create: cannot write " + o.out);
    if (std::remove(tmp.c_str()) != 0 && errno != ENOENT) {
      print_err("phase-mirror-mcp baseline create: cannot remove the temporary file " + tmp);
    }
    return kExitFailure;
  };
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << dump_pretty(*baseline) << "\n";
    f.close();  // a write that fails only when the buffer is flushed shows here
    if (f.fail()) return cannot_write();
  }
  if (std::rename(tmp.c_str(), o.out.c_str()) != 0) return cannot_write();
  const auto n = (*baseline)["files"].size();
  if (o.json) {
    print_out(dump_pretty(Json{{"out", o.out}, {"files", n}}));
  } else {
    print_out("Baseline of " + std::to_string(n) + " file(s) written to " + o.out);
  }
  return kExitOk;
}

}  // namespace

void define_baseline(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("baseline", "Drift baseline: write the file hashes MD-005 compares against");
  cmd->require_subcommand(1);
  auto o = std::make_shared<BaselineOptions>();
  auto* create = cmd->add_subcommand(
      "create",
      "Write the drift baseline read by analyze_dissonance (mode drift, baselineFile): {\"schemaVersion\": "
      "\"1.0.0\", \"createdAt\": ..., \"files\": {\"<path>\": \"<sha256>\"}}");
  add_value(create, "--out", o->out, "Where to write the baseline (overwritten)")->type_name("FILE")->required();
  add_json_flag(create, o->json, "Print {out, files} instead of a sentence");
  create->add_option("files", o->files, "Governance files to record; every one must be readable")
      ->type_name("FILES")
      ->required()
      ->check(plain_value());
  create->footer(
      "FILES are resolved against PHASE_MIRROR_WORKSPACE (else the current directory) and recorded by\n"
      "their workspace-relative path. Exit code: 0 written, 1 a file unreadable or the baseline unwritable,\n"
      "2 usage error.");
  create->callback([&action, o] { action = [o](const Config& c) { return run_baseline(*o, c); }; });
}

}  // namespace pm::cli
