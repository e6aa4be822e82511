#include "http/module.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "util/config.hpp"

namespace pm::http {

namespace {

std::vector<std::string> candidates() {
  std::vector<std::string> out;
  if (auto v = env_var_exact("PHASE_MIRROR_HTTP_MODULE")) out.push_back(*v);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto dir = exe.parent_path();
    out.push_back((dir / kModuleFileName).string());
    out.push_back((dir.parent_path() / "lib" / "phase-mirror-mcp" / kModuleFileName).string());
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Listener>> open_listener(const ListenOptions& options, Handler& handler) {
  void* lib = nullptr;
  std::string tried;
  std::string last_error;
  for (const auto& path : candidates()) {
    if (::access(path.c_str(), R_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    // Never closed: the listener's code lives in it until the process ends.
    lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib != nullptr) break;
    const char* why = ::dlerror();  // NOLINT(concurrency-mt-unsafe): only the start-up thread opens modules
    last_error = why != nullptr ? why : "dlopen failed";
    tried += (tried.empty() ? "" : ", ") + path;
  }
  if (lib == nullptr) {
    return Error{code::kExecutionFailed,
                 "cannot load the HTTP module " + std::string(kModuleFileName) + " (looked in: " + tried + ")" +
                     (last_error.empty() ? "" : ": " + last_error),
                 Severity::kHigh};
  }
  auto create = reinterpret_cast<CreateListenerFn>(::dlsym(lib, kCreateListenerSymbol));
  if (create == nullptr) {
    return Error{code::kExecutionFailed, "the HTTP module has no " + std::string(kCreateListenerSymbol),
                 Severity::kHigh};
  }
  std::string error;
  Listener* l = create(&options, &handler, &error);
  if (l == nullptr) return Error{code::kExecutionFailed, error, Severity::kHigh};
  return std::unique_ptr<Listener>(l);
}

}  // namespace pm::http
