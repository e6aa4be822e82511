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
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/budget.hpp"
#include "util/error.hpp"

namespace pm::engine {

enum class FileKind { kWorkflow, kConfig, kSource };
const char* to_string(FileKind k);

// What a directory entry or an opened path is, as lstat/fstat tell it.
enum class EntryKind : std::uint8_t { kFile, kDirectory, kLink, kOther };

struct ResolvedPath {
  std::string given;                   // as the client wrote it
  std::string absolute;                // canonical absolute path of what was opened (symlinks resolved)
  std::string relative;                // relative to the workspace root it lies in ('/'-separated)
  EntryKind kind = EntryKind::kOther;  // of what was opened (never kLink)
};

struct DirEntry {
  std::string name;
  EntryKind kind = EntryKind::kOther;  // of the entry itself: a symbolic link is kLink
  std::uint64_t size = 0;              // of a regular file
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
  // With a budget, the reading and hashing ask it per MiB (a unit per byte);
  // when it stops, the answer is budget->error().
  // A path given inline (add_inline) is read from its text instead.
  Result<FileData> read(const std::string& given, Budget* budget = nullptr) const;

  // A file's text given with the call (the version about to be written, or a
  // file that does not exist yet): read() answers it instead of the disk; a
  // walk or list does not see it. The path is a file path of the workspace:
  // PATH_OUTSIDE_WORKSPACE when it, or the directory it would be written in,
  // leaves it; INVALID_INPUT for a directory, a path given twice or a text
  // over max_file_bytes (the limit a file read has).
  Status add_inline(const std::string& given, std::string text);

  // Lists the regular files (and symbolic links, which read() then opens
  // safely or refuses) directly inside a directory, sorted bytewise, as
  // workspace paths usable with read(). Each entry is a step of the budget;
  // when it stops, the list is incomplete (the caller checks).
  Result<std::vector<std::string>> list_dir(const std::string& given_dir, Budget& budget) const;

  // Every entry of a directory but '.' and '..', sorted bytewise by name, for
  // a walk that never follows a symbolic link: the directory is opened
  // without following any link on the way (a link there is FILE_NOT_FOUND
  // saying so, even one that stays inside), and each entry is typed as it is
  // (lstat). Each entry is a step of the budget; when it stops, the list is
  // incomplete (the caller checks).
  Result<std::vector<DirEntry>> list_entries(const std::string& given_dir, Budget& budget) const;

 private:
  struct Opened;
  enum class Links : std::uint8_t { kFollowInside, kNever };
  Result<Opened> open(const std::string& given, int flags, Links links = Links::kFollowInside) const;
  // `given` as a path relative to the first root, without following links; nullopt outside it.
  std::optional<std::string> lexical_relative(const std::string& given) const;
  Result<FileData> read_inline(const std::string& given, const std::string& relative, Budget* budget) const;

  std::vector<std::string> roots_;
  std::vector<int> root_fds_;  // -1 where a root cannot be opened
  std::uint64_t max_file_bytes_;
  std::map<std::string, std::string, std::less<>> inline_;  // relative path -> text
};

// Classification of the reference: workflow when the path contains
// ".github/workflows/", config by extension/name, else source.
FileKind classify(const std::string& path);

namespace detail {
enum class OpenMethod { kAuto, kOpenat2, kWalk };
// Opens `relative` (normalised: no '.', '..' or empty segments) beneath the
// directory `dirfd` with open(2) `flags`, following symbolic links only while
// they stay beneath it, or none at all with `follow_links` false. kAuto uses
// openat2 when the kernel has it, else the walk; the walk takes the same
// decisions without openat2 (both are tested). Returns the descriptor, or -1
// with errno: EXDEV for an escape (a link leading out, an absolute link),
// ELOOP for too many links or any link when not following, as open(2) else.
int open_beneath(int dirfd, const std::string& relative, int flags, OpenMethod method = OpenMethod::kAuto,
                 bool follow_links = true);
}  // namespace detail

}  // namespace pm::engine
