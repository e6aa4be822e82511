#pragma once
// The workspace: where relative paths resolve, what may be read, and how a
// file is read once (size-checked, hashed, classified).
//
// Repository content is hostile: a file may be swapped for a symlink to
// something outside the workspace between any two system calls. So nothing
// is checked by path and then opened by path again: every file and directory
// is opened relative to an open descriptor of its root, by a resolution that
// cannot leave the root (openat2 with RESOLVE_BENEATH, or a walk with
// O_NOFOLLOW where the kernel lacks openat2), and what was opened is checked
// through its descriptor (type, size, real path) and read from it.
// Symbolic links that stay inside the root keep working; a link that leaves
// it, an absolute link or a /proc magic link is PATH_OUTSIDE_WORKSPACE.
#include <cstdint>
#include <string>
#include <vector>

#include "util/budget.hpp"
#include "util/error.hpp"

namespace pm::engine {

enum class FileKind { kWorkflow, kConfig, kSource };
const char* to_string(FileKind k);

struct ResolvedPath {
  std::string given;     // as the client wrote it
  std::string absolute;  // canonical absolute path of what was opened (symlinks resolved)
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
  // Relative paths resolve against the first root. Each root is opened once.
  Workspace(const std::vector<std::string>& roots, std::uint64_t max_file_bytes);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::vector<std::string>& roots() const { return roots_; }
  std::uint64_t max_file_bytes() const { return max_file_bytes_; }

  // PATH_OUTSIDE_WORKSPACE when the path (after '..' and symlinks) leaves every
  // root; FILE_NOT_FOUND when it does not exist. Directories are allowed here.
  Result<ResolvedPath> resolve(const std::string& given) const;

  // Opens safely + regular-file check + FILE_TOO_LARGE + read + hash + classify.
  Result<FileData> read(const std::string& given) const;

  // Lists the regular files (and symbolic links, which read() then opens
  // safely or refuses) directly inside a directory, sorted bytewise, as
  // workspace paths usable with read(). Each entry is a step of the budget;
  // when it stops, the list is incomplete (the caller checks).
  Result<std::vector<std::string>> list_dir(const std::string& given_dir, Budget& budget) const;

 private:
  struct Opened;
  Result<Opened> open(const std::string& given, int flags) const;

  std::vector<std::string> roots_;
  std::vector<int> root_fds_;  // -1 where a root cannot be opened
  std::uint64_t max_file_bytes_;
};

// Classification of the reference: workflow when the path contains
// ".github/workflows/", config by extension/name, else source.
FileKind classify(const std::string& path);

namespace detail {
enum class OpenMethod { kAuto, kOpenat2, kWalk };
// Opens `relative` (normalised: no '.', '..' or empty segments) beneath the
// directory `dirfd` with open(2) `flags`, following symbolic links only while
// they stay beneath it. kAuto uses openat2 when the kernel has it, else the
// walk; the walk takes the same decisions without openat2 (both are tested).
// Returns the descriptor, or -1 with errno: EXDEV for an escape (a link
// leading out, an absolute link), ELOOP for too many links, as open(2) else.
int open_beneath(int dirfd, const std::string& relative, int flags, OpenMethod method = OpenMethod::kAuto);
}  // namespace detail

}  // namespace pm::engine
