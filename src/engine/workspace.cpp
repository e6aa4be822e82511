#include "engine/workspace.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <utility>

#include "util/crypto.hpp"

namespace fs = std::filesystem;

namespace pm::engine {

const char* to_string(FileKind k) {
  switch (k) {
    case FileKind::kWorkflow: return "workflow";
    case FileKind::kConfig: return "config";
    case FileKind::kSource: return "source";
  }
  return "source";
}

namespace {

// Links followed in one resolution, as the kernel's own limit.
constexpr int kMaxLinks = 40;
// Times one walk looks again at a component that changed under it.
constexpr int kMaxRaces = 100;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Path of `p` relative to `root` when p is root or inside it.
bool inside(const std::string& root, const std::string& p, std::string& rel) {
  if (p == root) {
    rel = ".";
    return true;
  }
  const std::string prefix = root == "/" ? root : root + "/";
  if (p.compare(0, prefix.size(), prefix) == 0) {
    rel = p.substr(prefix.size());
    return true;
  }
  return false;
}

std::string canonical_root(const std::string& r) {
  char buf[PATH_MAX];
  if (::realpath(r.c_str(), buf) != nullptr) return buf;
  return fs::path(r).lexically_normal().string();
}

std::deque<std::string> components(std::string_view p) {
  std::deque<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') {
      const std::string_view c = p.substr(start, i - start);
      if (!c.empty() && c != ".") out.emplace_back(c);
      start = i + 1;
    }
  }
  return out;
}

bool is_link(int dirfd, const std::string& name) {
  struct stat st {};
  return ::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

// The component-by-component resolution openat2's RESOLVE_BENEATH does in the
// kernel: each step opens one name with O_NOFOLLOW relative to the directory
// reached so far, a link is read and its (relative) target walked in its
// place, and '..' never climbs above `start`. A component swapped for a link
// between the look and the open makes the open fail, and it is looked at again.
int walk_beneath(int start, const std::string& relative, int flags, bool follow_links) {
  std::deque<std::string> todo = components(relative);
  std::vector<int> dirs;  // descriptors of the directories walked into, owned
  int links = 0, races = 0;
  auto here = [&] { return dirs.empty() ? start : dirs.back(); };
  auto fail = [&](int err) {
    for (const int d : dirs) ::close(d);
    errno = err;
    return -1;
  };
  while (!todo.empty()) {
    const std::string comp = todo.front();
    if (comp == "..") {
      todo.pop_front();
      if (dirs.empty()) return fail(EXDEV);
      ::close(dirs.back());
      dirs.pop_back();
      continue;
    }
    struct stat st {};
    if (::fstatat(here(), comp.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return fail(errno);
    if (S_ISLNK(st.st_mode)) {
      if (!follow_links) return fail(ELOOP);
      char buf[PATH_MAX];
      const ssize_t n = ::readlinkat(here(), comp.c_str(), buf, sizeof buf);
      if (n < 0 && errno == EINVAL && ++races < kMaxRaces) continue;  // no longer a link
      if (n < 0) return fail(errno == EINVAL ? EAGAIN : errno);
      if (static_cast<std::size_t>(n) >= sizeof buf) return fail(ENAMETOOLONG);
      if (++links > kMaxLinks) return fail(ELOOP);
      if (n == 0 || buf[0] == '/') return fail(EXDEV);
      todo.pop_front();
      auto target = components(std::string_view(buf, static_cast<std::size_t>(n)));
      todo.insert(todo.begin(), target.begin(), target.end());
      continue;
    }
    const bool last = todo.size() == 1;
    const int fd = ::openat(here(), comp.c_str(), (last ? flags : O_PATH | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if ((err == ELOOP || err == ENOTDIR) && ++races < kMaxRaces && is_link(here(), comp)) continue;
      return fail(err);
    }
    if (last && (flags & O_PATH) != 0) {
      // O_PATH | O_NOFOLLOW opens a link itself rather than failing.
      struct stat opened {};
      if (::fstat(fd, &opened) == 0 && S_ISLNK(opened.st_mode) && ++races < kMaxRaces) {
        ::close(fd);
        continue;
      }
    }
    todo.pop_front();
    if (last) {
      for (const int d : dirs) ::close(d);
      return fd;
    }
    dirs.push_back(fd);
  }
  // The path named the start directory itself (or came back to one by '..').
  const int fd = ::openat(here(), ".", flags | O_CLOEXEC);
  const int err = errno;
  for (const int d : dirs) ::close(d);
  errno = err;
  return fd;
}

// Descriptor owned by a scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Error not_readable(const std::string& given, const std::string& why) {
  Error e{code::kFileNotFound, "File not readable (" + why + "): " + given, Severity::kLow};
  e.details = Json{{"path", given}};
  return e;
}

// The entries of an open directory, typed as they are (a link is kLink),
// sorted by name; stops early when the budget does.
std::vector<DirEntry> entries_of(Fd dir_fd, Budget& budget) {
  std::vector<DirEntry> out;
  DIR* dir = ::fdopendir(dir_fd.get());
  if (dir == nullptr) return out;
  dir_fd.release();  // the stream owns it now
  // NOLINTNEXTLINE(concurrency-mt-unsafe): readdir is safe on a stream only this thread uses
  for (const dirent* e = ::readdir(dir); e != nullptr; e = ::readdir(dir)) {
    if (!budget.step()) break;
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    DirEntry entry{std::string(name), EntryKind::kOther, 0};
    if (e->d_type == DT_DIR) {
      entry.kind = EntryKind::kDirectory;
    } else if (e->d_type == DT_LNK) {
      entry.kind = EntryKind::kLink;
    } else if (e->d_type == DT_REG || e->d_type == DT_UNKNOWN) {
      // The size of a file, or the type the file system did not say.
      struct stat st {};
      if (::fstatat(::dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
      entry.kind = S_ISREG(st.st_mode)   ? EntryKind::kFile
                   : S_ISDIR(st.st_mode) ? EntryKind::kDirectory
                   : S_ISLNK(st.st_mode) ? EntryKind::kLink
                                         : EntryKind::kOther;
      entry.size = static_cast<std::uint64_t>(st.st_size);
    }
    out.push_back(std::move(entry));
  }
  ::closedir(dir);
  std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return out;
}

}  // namespace

namespace detail {

int open_beneath(int dirfd, const std::string& relative, int flags, OpenMethod method, bool follow_links) {
  // Set once openat2 proved missing (ENOSYS, or EPERM from a seccomp filter).
  static std::atomic<bool> no_openat2{false};
  if (method != OpenMethod::kWalk && !no_openat2.load(std::memory_order_relaxed)) {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | (follow_links ? 0 : RESOLVE_NO_SYMLINKS);
    for (int attempt = 0; attempt < 8; ++attempt) {
      const long fd = ::syscall(SYS_openat2, dirfd, relative.c_str(), &how, sizeof how);
      if (fd >= 0) return static_cast<int>(fd);
      if (errno == EAGAIN) continue;  // a rename raced the resolution: the kernel asks to try again
      if ((errno == ENOSYS || errno == EPERM) && method == OpenMethod::kAuto) {
        no_openat2.store(true, std::memory_order_relaxed);
        break;
      }
      return -1;
    }
    if (!no_openat2.load(std::memory_order_relaxed)) return -1;
  }
  return walk_beneath(dirfd, relative, flags, follow_links);
}

}  // namespace detail

struct Workspace::Opened {
  ResolvedPath path;
  Fd fd;
  struct stat st {};
};

FileKind classify(const std::string& path) {
  if (path.find(".github/workflows/") != std::string::npos) return FileKind::kWorkflow;
  for (const char* ext : {".json", ".yaml", ".yml", ".toml", ".ini", ".conf"}) {
    if (ends_with(path, ext)) return FileKind::kConfig;
  }
  for (const char* name : {"package.json", "tsconfig.json", "Dockerfile"}) {
    if (path.find(name) != std::string::npos) return FileKind::kConfig;
  }
  return FileKind::kSource;
}

Workspace::Workspace(const std::vector<std::string>& roots, std::uint64_t max_file_bytes)
    : max_file_bytes_(max_file_bytes) {
  for (const auto& r : roots) roots_.push_back(canonical_root(r));
  if (roots_.empty()) roots_.push_back(canonical_root("."));
  for (const auto& r : roots_) root_fds_.push_back(::open(r.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
}

Workspace::~Workspace() {
  for (const int fd : root_fds_) {
    if (fd >= 0) ::close(fd);
  }
}

Result<Workspace::Opened> Workspace::open(const std::string& given, int flags, Links links) const {
  if (given.empty()) return Error::invalid_input("Empty path");
  if (given.find('\0') != std::string::npos) return Error::invalid_input("Path contains a NUL byte");
  // The kernel opens no longer path; refusing it here spares normalising and
  // resolving megabytes of text.
  if (given.size() >= PATH_MAX) {
    return Error::invalid_input("Path is " + std::to_string(given.size()) + " bytes long; a path has at most " +
                                std::to_string(PATH_MAX - 1) + " bytes");
  }
  fs::path p(given);
  if (p.is_relative()) p = fs::path(roots_.front()) / p;
  std::string lexical = p.lexically_normal().string();
  while (lexical.size() > 1 && lexical.back() == '/') lexical.pop_back();
  std::size_t root = roots_.size();
  std::string rel;
  for (std::size_t i = 0; i < roots_.size() && root == roots_.size(); ++i) {
    if (inside(roots_[i], lexical, rel)) root = i;
  }
  if (root == roots_.size()) {
    // Outside every root as written, yet perhaps inside one through a linked
    // parent directory: its real path only picks the root, the open below is
    // still confined to it.
    char buf[PATH_MAX];
    if (::realpath(lexical.c_str(), buf) != nullptr) {
      for (std::size_t i = 0; i < roots_.size() && root == roots_.size(); ++i) {
        if (inside(roots_[i], buf, rel)) root = i;
      }
    }
    if (root == roots_.size()) return Error::path_outside_workspace(given);
  }
  if (root_fds_[root] < 0) return Error::file_not_found(given);

  const bool follow = links == Links::kFollowInside;
  Fd fd(detail::open_beneath(root_fds_[root], rel, flags, detail::OpenMethod::kAuto, follow));
  if (fd.get() < 0) {
    switch (errno) {
      case EXDEV: return Error::path_outside_workspace(given);
      case EACCES: return not_readable(given, "permission denied");
      case ELOOP:
        return not_readable(given, follow ? "too many levels of symbolic links" : "a symbolic link is not followed");
      default: return Error::file_not_found(given);
    }
  }
  // What was opened, by its descriptor: its real path must lie in the root
  // (it does unless a directory was moved out during the open), and gives the
  // relative path rules and globs see.
  Opened out{ResolvedPath{given, roots_[root] + (rel == "." ? "" : "/" + rel), rel}, std::move(fd)};
  if (::fstat(out.fd.get(), &out.st) != 0) return Error::file_not_found(given);
  out.path.kind = S_ISREG(out.st.st_mode)   ? EntryKind::kFile
                  : S_ISDIR(out.st.st_mode) ? EntryKind::kDirectory
                                            : EntryKind::kOther;
  char real[PATH_MAX];
  const std::string link = "/proc/self/fd/" + std::to_string(out.fd.get());
  const ssize_t n = ::readlink(link.c_str(), real, sizeof real);
  if (n > 0 && static_cast<std::size_t>(n) < sizeof real && real[0] == '/') {
    const std::string real_path(real, static_cast<std::size_t>(n));
    std::string real_rel;
    if (!inside(roots_[root], real_path, real_rel)) return Error::path_outside_workspace(given);
    out.path.absolute = real_path;
    out.path.relative = real_rel;
  }
  return out;
}

Result<ResolvedPath> Workspace::resolve(const std::string& given) const {
  auto opened = open(given, O_PATH);
  if (!opened) return opened.take_error();
  return std::move(opened->path);
}

std::optional<std::string> Workspace::lexical_relative(const std::string& given) const {
  if (given.empty() || given.size() >= PATH_MAX || given.find('\0') != std::string::npos) return std::nullopt;
  fs::path p(given);
  if (p.is_relative()) p = fs::path(roots_.front()) / p;
  std::string lexical = p.lexically_normal().string();
  while (lexical.size() > 1 && lexical.back() == '/') lexical.pop_back();
  std::string rel;
  if (!inside(roots_.front(), lexical, rel)) return std::nullopt;
  return rel;
}

Status Workspace::add_inline(const std::string& given, std::string text) {
  if (given.empty()) return Error::invalid_input("Empty path");
  if (given.find('\0') != std::string::npos) return Error::invalid_input("Path contains a NUL byte");
  if (text.size() > max_file_bytes_) {
    return Error::invalid_input("The text given for " + given + " is " + std::to_string(text.size()) +
                                    " bytes, over the limit of " + std::to_string(max_file_bytes_) +
                                    " bytes a file has",
                                Json{{"path", given}, {"size", text.size()}, {"limit", max_file_bytes_}});
  }
  const auto lexical = lexical_relative(given);
  if (!lexical) return Error::path_outside_workspace(given);
  if (*lexical == ".") return Error::invalid_input("Not a file path: " + given);
  std::string key = *lexical;
  auto resolved = resolve(given);
  if (resolved) {
    if (resolved->kind == EntryKind::kDirectory) return Error::invalid_input("A directory, not a file: " + given);
    key = resolved->relative;
  } else if (resolved.error().code != code::kFileNotFound) {
    return resolved.take_error();
  } else {
    // A new file: the nearest directory that exists is where it would be
    // written, and must not lead out of the workspace.
    fs::path dir = fs::path(*lexical).parent_path();
    for (; !dir.empty(); dir = dir.parent_path()) {
      auto parent = resolve(dir.string());
      if (parent) break;
      if (parent.error().code != code::kFileNotFound) {
        return parent.error().code == code::kPathOutsideWorkspace ? Error::path_outside_workspace(given)
                                                                  : parent.take_error();
      }
    }
  }
  if (!inline_.emplace(std::move(key), std::move(text)).second) {
    return Error::invalid_input("The text of " + given + " is given twice");
  }
  return ok_status();
}

Result<FileData> Workspace::read_inline(const std::string& given, const std::string& relative, Budget* budget) const {
  const std::string& text = inline_.find(relative)->second;
  if (budget != nullptr && !budget->step(text.size())) return budget->error("reading " + given);
  FileData data;
  data.bytes = text;
  Sha256 hash;
  hash.update(data.bytes);
  const auto digest = hash.finish();
  data.sha256 = to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  data.kind = classify(relative);
  data.path = ResolvedPath{given, roots_.front() + "/" + relative, relative, EntryKind::kFile};
  return data;
}

Result<FileData> Workspace::read(const std::string& given, Budget* budget) const {
  if (!inline_.empty()) {
    if (const auto rel = lexical_relative(given); rel && inline_.count(*rel) != 0) {
      return read_inline(given, *rel, budget);
    }
  }
  auto opened = open(given, O_RDONLY | O_NONBLOCK);
  if (!opened) return opened.take_error();
  if (!inline_.empty() && inline_.count(opened->path.relative) != 0) {
    return read_inline(given, opened->path.relative, budget);
  }
  const int fd = opened->fd.get();
  const struct stat& st = opened->st;
  if (!S_ISREG(st.st_mode)) {
    Error e{code::kFileNotFound, "Not a regular file: " + given, Severity::kLow};
    e.details = Json{{"path", given}};
    return e;
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > max_file_bytes_) return Error::file_too_large(given, size, max_file_bytes_);
  // Read and hashed a chunk at a time, so that a call stopped while a large
  // file is read stops within the chunk.
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  FileData data;
  data.bytes.resize(size);
  Sha256 hash;
  std::size_t got = 0;
  while (got < size) {
    if (budget != nullptr && !budget->step(std::min<std::size_t>(kChunk, size - got))) {
      return budget->error("reading " + given);
    }
    const ssize_t n = ::read(fd, data.bytes.data() + got, std::min<std::size_t>(kChunk, size - got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    hash.update(std::string_view(data.bytes.data() + got, static_cast<std::size_t>(n)));
    got += static_cast<std::size_t>(n);
  }
  data.bytes.resize(got);  // a file that shrank while being read
  const auto digest = hash.finish();
  data.sha256 = to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  data.kind = classify(opened->path.relative);
  data.path = std::move(opened->path);
  return data;
}

Result<std::vector<std::string>> Workspace::list_dir(const std::string& given_dir, Budget& budget) const {
  auto opened = open(given_dir, O_RDONLY | O_DIRECTORY);
  if (!opened) {
    if (opened.error().code == code::kPathOutsideWorkspace) return opened.take_error();
    return Error::file_not_found(given_dir);
  }
  std::vector<std::string> out;
  for (auto& e : entries_of(std::move(opened->fd), budget)) {
    if (e.kind == EntryKind::kFile || e.kind == EntryKind::kLink) {
      out.push_back((fs::path(given_dir) / e.name).string());
    }
  }
  return out;
}

Result<std::vector<DirEntry>> Workspace::list_entries(const std::string& given_dir, Budget& budget) const {
  auto opened = open(given_dir, O_RDONLY | O_DIRECTORY, Links::kNever);
  if (!opened) return opened.take_error();
  return entries_of(std::move(opened->fd), budget);
}

}  // namespace pm::engine
