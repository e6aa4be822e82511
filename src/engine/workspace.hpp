#pragma once
// The workspace: where relative paths resolve, what may be read, and how a
// file is read once (size-checked, hashed, classified).
#include <cstdint>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace pm::engine {

enum class FileKind { kWorkflow, kConfig, kSource };
const char* to_string(FileKind k);

struct ResolvedPath {
  std::string given;     // as the client wrote it
  std::string absolute;  // canonical absolute path (symlinks resolved)
  std::string relative;  // relative to the workspace root it lies in ('/'-separated)
};

struct FileData {
  ResolvedPath path;
  std::string bytes;
  std::string sha256;  // lowercase hex of the raw bytes
  FileKind kind = FileKind::kSource;
};

class Workspace {
 public:
  // roots: absolute directories (MCP roots, PHASE_MIRROR_WORKSPACE or the cwd).
  // Relative paths resolve against the first root.
  Workspace(const std::vector<std::string>& roots, std::uint64_t max_file_bytes);

  const std::vector<std::string>& roots() const { return roots_; }
  std::uint64_t max_file_bytes() const { return max_file_bytes_; }

  // PATH_OUTSIDE_WORKSPACE when the path (after '..' and symlinks) leaves every
  // root; FILE_NOT_FOUND when it does not exist. Directories are allowed here.
  Result<ResolvedPath> resolve(const std::string& given) const;

  // resolve + regular-file check + FILE_TOO_LARGE + read + hash + classify.
  Result<FileData> read(const std::string& given) const;

  // Lists regular files directly inside a directory (sorted bytewise), as
  // workspace paths usable with read().
  Result<std::vector<std::string>> list_dir(const std::string& given_dir) const;

 private:
  std::vector<std::string> roots_;
  std::uint64_t max_file_bytes_;
};

// Classification of the reference: workflow when the path contains
// ".github/workflows/", config by extension/name, else source.
FileKind classify(const std::string& path);

}  // namespace pm::engine
