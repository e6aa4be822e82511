// Opening files beneath the workspace root: both resolution methods (openat2
// and the O_NOFOLLOW walk) take the same decisions on the same trees, and the
// Workspace maps them to the codes a client sees.
#include "engine/workspace.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "support/server_process.hpp"

namespace pm::engine {
namespace {

namespace fs = std::filesystem;
using detail::OpenMethod;
using pm::test::TempDir;

// A workspace `ws/` beside a secret file outside it.
struct Tree {
  TempDir dir;
  std::string root;
  int root_fd = -1;
  Tree() {
    root = dir.path() + "/ws";
    dir.write("outside/secret.txt", "SECRET\n");
    dir.write("ws/src/a.txt", "inside\n");
    dir.write("ws/docs/adr/ADR-001-x.md", "# ADR-001\n");
    fs::create_directories(root + "/empty");
    fs::create_symlink("a.txt", root + "/src/same-dir-link");
    fs::create_symlink("../docs/adr/ADR-001-x.md", root + "/src/up-link");
    fs::create_symlink("../../outside/secret.txt", root + "/src/escape");
    fs::create_symlink(root + "/src/a.txt", root + "/src/absolute-inside");
    fs::create_symlink("/proc/self/root/etc/hostname", root + "/src/magic");
    fs::create_symlink("../docs", root + "/src/docs-dir");
    fs::create_symlink("../../outside", root + "/src/outside-dir");
    fs::create_symlink("loop-b", root + "/src/loop-a");
    fs::create_symlink("loop-a", root + "/src/loop-b");
    root_fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  }
  ~Tree() { ::close(root_fd); }
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;
};

std::string content(int fd) {
  std::string out(256, '\0');
  const ssize_t n = ::read(fd, out.data(), out.size());
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

class OpenBeneath : public ::testing::TestWithParam<OpenMethod> {
 protected:
  // The file's first bytes, or "errno:<name>" when the open fails.
  std::string open_read(const std::string& rel) {
    const int fd = detail::open_beneath(tree.root_fd, rel, O_RDONLY | O_NONBLOCK, GetParam());
    if (fd < 0) {
      const int err = errno;
      switch (err) {
        case EXDEV: return "errno:EXDEV";
        case ELOOP: return "errno:ELOOP";
        case ENOENT: return "errno:ENOENT";
        case ENOTDIR: return "errno:ENOTDIR";
        default: return "errno:" + std::to_string(err);
      }
    }
    std::string c = content(fd);
    ::close(fd);
    return c;
  }
  Tree tree;
};

TEST_P(OpenBeneath, RegularFilesAndLinksThatStayInside) {
  EXPECT_EQ(open_read("src/a.txt"), "inside\n");
  EXPECT_EQ(open_read("src/same-dir-link"), "inside\n");
  EXPECT_EQ(open_read("src/up-link"), "# ADR-001\n");
  EXPECT_EQ(open_read("src/docs-dir/adr/ADR-001-x.md"), "# ADR-001\n");
}

TEST_P(OpenBeneath, EscapesAreRefused) {
  EXPECT_EQ(open_read("src/escape"), "errno:EXDEV");
  EXPECT_EQ(open_read("src/outside-dir/secret.txt"), "errno:EXDEV");
  EXPECT_EQ(open_read("../outside/secret.txt"), "errno:EXDEV");
  EXPECT_EQ(open_read("src/../../outside/secret.txt"), "errno:EXDEV");
  // Absolute links are refused even when they point inside: they are
  // resolved from the file system's root, not the workspace's.
  EXPECT_EQ(open_read("src/absolute-inside"), "errno:EXDEV");
  EXPECT_EQ(open_read("src/magic"), "errno:EXDEV");
}

TEST_P(OpenBeneath, LoopsAndMissingFiles) {
  EXPECT_EQ(open_read("src/loop-a"), "errno:ELOOP");
  EXPECT_EQ(open_read("src/missing.txt"), "errno:ENOENT");
  EXPECT_EQ(open_read("src/a.txt/x"), "errno:ENOTDIR");
}

TEST_P(OpenBeneath, DirectoriesAndTheRootItself) {
  const int fd = detail::open_beneath(tree.root_fd, "src/docs-dir", O_RDONLY | O_DIRECTORY, GetParam());
  ASSERT_GE(fd, 0);
  struct stat st {};
  ASSERT_EQ(::fstatat(fd, "adr/ADR-001-x.md", &st, 0), 0);
  ::close(fd);
  const int root = detail::open_beneath(tree.root_fd, ".", O_RDONLY | O_DIRECTORY, GetParam());
  ASSERT_GE(root, 0);
  ::close(root);
  const int path = detail::open_beneath(tree.root_fd, "src/same-dir-link", O_PATH, GetParam());
  ASSERT_GE(path, 0);
  ASSERT_EQ(::fstat(path, &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));  // the link was followed, not opened itself
  ::close(path);
}

TEST_P(OpenBeneath, WithoutFollowingNoLinkIsTakenEvenInside) {
  auto open_nofollow = [&](const std::string& rel, int flags) {
    const int fd = detail::open_beneath(tree.root_fd, rel, flags, GetParam(), false);
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return fd >= 0 ? 0 : err;
  };
  EXPECT_EQ(open_nofollow("src/a.txt", O_RDONLY), 0);
  EXPECT_EQ(open_nofollow("docs/adr", O_RDONLY | O_DIRECTORY), 0);
  EXPECT_EQ(open_nofollow(".", O_RDONLY | O_DIRECTORY), 0);
  EXPECT_EQ(open_nofollow("src/same-dir-link", O_RDONLY), ELOOP);
  EXPECT_EQ(open_nofollow("src/docs-dir", O_RDONLY | O_DIRECTORY), ELOOP);
  EXPECT_EQ(open_nofollow("src/docs-dir/adr", O_RDONLY | O_DIRECTORY), ELOOP);
  EXPECT_EQ(open_nofollow("src/same-dir-link", O_PATH), ELOOP);
  EXPECT_EQ(open_nofollow("../outside", O_RDONLY | O_DIRECTORY), EXDEV);
}

INSTANTIATE_TEST_SUITE_P(Methods, OpenBeneath, ::testing::Values(OpenMethod::kOpenat2, OpenMethod::kWalk),
                         [](const auto& info) { return info.param == OpenMethod::kOpenat2 ? "Openat2" : "Walk"; });

TEST(Workspace, CodesForWhatWasOpened) {
  Tree t;
  Workspace ws({t.root}, 1 << 20);
  auto ok = ws.read("src/a.txt");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->bytes, "inside\n");
  EXPECT_EQ(ok->path.relative, "src/a.txt");
  // A link inside: read through it, reported as what it points to.
  auto linked = ws.read("src/up-link");
  ASSERT_TRUE(linked.ok());
  EXPECT_EQ(linked->path.relative, "docs/adr/ADR-001-x.md");
  EXPECT_EQ(linked->path.absolute, t.root + "/docs/adr/ADR-001-x.md");
  for (const char* p : {"src/escape", "src/outside-dir/secret.txt", "../outside/secret.txt", "src/absolute-inside"}) {
    auto r = ws.read(p);
    ASSERT_FALSE(r.ok()) << p;
    EXPECT_EQ(r.error().code, code::kPathOutsideWorkspace) << p;
  }
  EXPECT_EQ(ws.read("src/missing.txt").error().code, code::kFileNotFound);
  EXPECT_EQ(ws.read("src").error().message, "Not a regular file: src");
  EXPECT_NE(ws.read("src/loop-a").error().message.find("too many levels of symbolic links"), std::string::npos);
  EXPECT_EQ(ws.read("").error().code, code::kInvalidInput);
}

TEST(Workspace, FifoIsRefusedWithoutBlocking) {
  Tree t;
  ASSERT_EQ(::mkfifo((t.root + "/src/pipe").c_str(), 0600), 0);
  Workspace ws({t.root}, 1 << 20);
  auto r = ws.read("src/pipe");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "Not a regular file: src/pipe");
}

TEST(Workspace, SizeIsCheckedOnWhatWasOpened) {
  Tree t;
  t.dir.write("ws/big.txt", std::string(2048, 'x'));
  Workspace ws({t.root}, 1024);
  EXPECT_EQ(ws.read("big.txt").error().code, code::kFileTooLarge);
}

TEST(Workspace, AbsolutePathsThroughALinkedRoot) {
  Tree t;
  const std::string alias = t.dir.path() + "/alias";
  fs::create_symlink(t.root, alias);
  Workspace ws({t.root}, 1 << 20);
  auto r = ws.read(alias + "/src/a.txt");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->path.relative, "src/a.txt");
  EXPECT_EQ(ws.read(t.dir.path() + "/outside/secret.txt").error().code, code::kPathOutsideWorkspace);
  EXPECT_EQ(ws.resolve(t.root + "/src/../../outside/secret.txt").error().code, code::kPathOutsideWorkspace);
}

TEST(Workspace, ResolveAllowsDirectories) {
  Tree t;
  Workspace ws({t.root}, 1 << 20);
  auto r = ws.resolve("src/docs-dir");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->relative, "docs");
  EXPECT_EQ(ws.resolve("src/outside-dir").error().code, code::kPathOutsideWorkspace);
  EXPECT_EQ(ws.resolve(".")->relative, ".");
}

TEST(Workspace, ListDirListsFilesAndLinksButNotDirectories) {
  Tree t;
  Workspace ws({t.root}, 1 << 20);
  Budget b;
  auto l = ws.list_dir("src", b);
  ASSERT_TRUE(l.ok());
  const std::vector<std::string> expected = {
      "src/a.txt",  "src/absolute-inside", "src/docs-dir",    "src/escape",        "src/loop-a",
      "src/loop-b", "src/magic",           "src/outside-dir", "src/same-dir-link", "src/up-link"};
  EXPECT_EQ(*l, expected);
  EXPECT_EQ(ws.list_dir("src/outside-dir", b).error().code, code::kPathOutsideWorkspace);
  EXPECT_EQ(ws.list_dir("src/a.txt", b).error().code, code::kFileNotFound);
  EXPECT_EQ(ws.list_dir("nope", b).error().code, code::kFileNotFound);
  auto via_link = ws.list_dir("src/docs-dir/adr", b);
  ASSERT_TRUE(via_link.ok());
  EXPECT_EQ(*via_link, std::vector<std::string>{"src/docs-dir/adr/ADR-001-x.md"});
}

TEST(Workspace, ListDirStopsWithTheBudget) {
  Tree t;
  for (int i = 0; i < 50; ++i) t.dir.write("ws/many/f" + std::to_string(i), "x");
  Workspace ws({t.root}, 1 << 20);
  Budget b(Budget::Limits{std::nullopt, 10, Budget::kUnlimited});
  auto l = ws.list_dir("many", b);
  EXPECT_TRUE(b.stopped());
  ASSERT_TRUE(l.ok());
  EXPECT_LT(l->size(), 50u);
}

TEST(Workspace, ResolveSaysWhatWasOpened) {
  Tree t;
  Workspace ws({t.root}, 1 << 20);
  EXPECT_EQ(ws.resolve("src/a.txt")->kind, EntryKind::kFile);
  EXPECT_EQ(ws.resolve("src/same-dir-link")->kind, EntryKind::kFile);
  EXPECT_EQ(ws.resolve("src")->kind, EntryKind::kDirectory);
  EXPECT_EQ(ws.resolve("src/docs-dir")->kind, EntryKind::kDirectory);
  EXPECT_EQ(ws.resolve("src/docs-dir")->relative, "docs");
}

TEST(Workspace, ListEntriesTypesEachEntryAndFollowsNoLink) {
  Tree t;
  ASSERT_EQ(::mkfifo((t.root + "/src/fifo").c_str(), 0600), 0);
  Workspace ws({t.root}, 1 << 20);
  Budget b;
  auto l = ws.list_entries("src", b);
  ASSERT_TRUE(l.ok()) << l.error().message;
  std::string listing;
  for (const auto& e : *l) {
    const char* kind = e.kind == EntryKind::kFile        ? "file"
                       : e.kind == EntryKind::kDirectory ? "dir"
                       : e.kind == EntryKind::kLink      ? "link"
                                                         : "other";
    listing += e.name + ":" + kind + (e.kind == EntryKind::kFile ? ":" + std::to_string(e.size) : "") + " ";
  }
  EXPECT_EQ(listing,
            "a.txt:file:7 absolute-inside:link docs-dir:link escape:link fifo:other loop-a:link loop-b:link magic:link "
            "outside-dir:link same-dir-link:link up-link:link ");
  auto root = ws.list_entries(".", b);
  ASSERT_TRUE(root.ok());
  ASSERT_EQ(root->size(), 3u);
  EXPECT_EQ((*root)[0].name, "docs");
  EXPECT_EQ((*root)[0].kind, EntryKind::kDirectory);
  // A walk never goes through a link, even one that stays inside.
  auto via_link = ws.list_entries("src/docs-dir/adr", b);
  ASSERT_FALSE(via_link.ok());
  EXPECT_EQ(via_link.error().code, code::kFileNotFound);
  EXPECT_NE(via_link.error().message.find("a symbolic link is not followed"), std::string::npos)
      << via_link.error().message;
  EXPECT_EQ(ws.list_entries("src/outside-dir", b).error().code, code::kFileNotFound);
  EXPECT_EQ(ws.list_entries("../outside", b).error().code, code::kPathOutsideWorkspace);
  EXPECT_EQ(ws.list_entries("src/a.txt", b).error().code, code::kFileNotFound);
}

TEST(Workspace, AMissingRootFindsNothing) {
  TempDir d;
  Workspace ws({d.path() + "/gone"}, 1 << 20);
  EXPECT_EQ(ws.read("a.txt").error().code, code::kFileNotFound);
}

}  // namespace
}  // namespace pm::engine
