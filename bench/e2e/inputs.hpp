#pragma once
// Generated benchmark inputs: a temporary workspace holding a small workflow,
// a ~1 MB workflow, 100 files for one analysis, a 200-workflow repository to
// collect, and an ADR directory of 200 ADRs.
#include <string>
#include <vector>

namespace pm::bench {

struct Inputs {
  std::string root;       // temporary directory (removed by the destructor)
  std::string workspace;  // PHASE_MIRROR_WORKSPACE
  std::string data_dir;   // PHASE_MIRROR_DATA_DIR
  std::string small_workflow = ".github/workflows/ci.yml";
  std::string big_workflow = ".github/workflows/monorepo.yml";
  std::size_t big_workflow_bytes = 0;
  std::vector<std::string> analysis_files;  // 100 workspace-relative paths
  // A repository of its own for a directory walk: 200 workflows, 10 composite
  // actions, a dependabot file, and a node_modules tree the walk skips.
  std::string repository_dir = "repo";
  std::string adr_dir = "docs/adr";
  std::size_t adr_count = 0;

  Inputs();  // generates everything; throws on I/O failure
  ~Inputs();
  Inputs(const Inputs&) = delete;
  Inputs& operator=(const Inputs&) = delete;
};

}  // namespace pm::bench
