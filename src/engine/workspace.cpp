#include "engine/workspace.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>

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

}  // namespace

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
}

Result<ResolvedPath> Workspace::resolve(const std::string& given) const {
  if (given.empty()) return Error::invalid_input("Empty path");
  if (given.find('\0') != std::string::npos) return Error::invalid_input("Path contains a NUL byte");
  fs::path p(given);
  if (p.is_relative()) p = fs::path(roots_.front()) / p;
  const std::string lexical = p.lexically_normal().string();
  std::string rel;
  bool lexically_inside = false;
  for (const auto& root : roots_) lexically_inside = lexically_inside || inside(root, lexical, rel);

  char buf[PATH_MAX];
  if (::realpath(lexical.c_str(), buf) == nullptr) {
    // Missing: refuse escapes before admitting the file is merely absent.
    if (!lexically_inside) return Error::path_outside_workspace(given);
    return Error::file_not_found(given);
  }
  const std::string real = buf;
  for (const auto& root : roots_) {
    if (inside(root, real, rel)) return ResolvedPath{given, real, rel};
  }
  return Error::path_outside_workspace(given);
}

Result<FileData> Workspace::read(const std::string& given) const {
  auto resolved = resolve(given);
  if (!resolved) return resolved.take_error();
  int fd = ::open(resolved->absolute.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == EACCES) {
      Error e{code::kFileNotFound, "File not readable (permission denied): " + given, Severity::kLow};
      e.details = Json{{"path", given}};
      return e;
    }
    return Error::file_not_found(given);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    Error e{code::kFileNotFound, "Not a regular file: " + given, Severity::kLow};
    e.details = Json{{"path", given}};
    return e;
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > max_file_bytes_) {
    ::close(fd);
    return Error::file_too_large(given, size, max_file_bytes_);
  }
  FileData data;
  data.bytes.resize(size);
  std::size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, data.bytes.data() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  data.bytes.resize(got);  // a file that shrank while being read
  data.sha256 = sha256_hex(data.bytes);
  data.kind = classify(resolved->relative);
  data.path = std::move(*resolved);
  return data;
}

Result<std::vector<std::string>> Workspace::list_dir(const std::string& given_dir) const {
  auto resolved = resolve(given_dir);
  if (!resolved) return resolved.take_error();
  std::error_code ec;
  if (!fs::is_directory(resolved->absolute, ec)) return Error::file_not_found(given_dir);
  std::vector<std::string> out;
  for (fs::directory_iterator it(resolved->absolute, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) out.push_back((fs::path(given_dir) / it->path().filename()).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pm::engine
