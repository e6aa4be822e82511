#include "http/module.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
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

// The module, opened once and never closed: the listener's and the checker's code live in it
// until the process ends.
Result<void*> module_handle() {
  static std::mutex mu;
  static void* lib = nullptr;
  std::lock_guard lock(mu);
  if (lib != nullptr) return lib;
  std::string tried;
  std::string last_error;
  for (const auto& path : candidates()) {
    if (::access(path.c_str(), R_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib != nullptr) return lib;
    const char* why = ::dlerror();  // NOLINT(concurrency-mt-unsafe): serialised by mu
    last_error = why != nullptr ? why : "dlopen failed";
    tried += (tried.empty() ? "" : ", ") + path;
  }
  return Error{code::kExecutionFailed,
               "cannot load the HTTP module " + std::string(kModuleFileName) + " (looked in: " + tried + ")" +
                   (last_error.empty() ? "" : ": " + last_error),
               Severity::kHigh};
}

}  // namespace

Result<std::unique_ptr<Listener>> open_listener(const ListenOptions& options, Handler& handler) {
  auto handle = module_handle();
  if (!handle) return handle.take_error();
  void* lib = *handle;
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

Result<const auth::SignatureChecker*> signature_checker() {
  auto handle = module_handle();
  if (!handle) return handle.take_error();
  auto get = reinterpret_cast<auth::GetSignatureCheckerFn>(::dlsym(*handle, auth::kSignatureCheckerSymbol));
  if (get == nullptr) {
    return Error{code::kExecutionFailed, "the HTTP module has no " + std::string(auth::kSignatureCheckerSymbol),
                 Severity::kHigh};
  }
  return get();
}

}  // namespace pm::http
