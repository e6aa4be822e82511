#pragma once
// Opens the HTTP module (the network layer of net.hpp, the signature checks of
// auth/signatures.hpp) on demand: only `serve --http` calls this, so the stdio server never
// maps it.
#include <memory>
#include <string>

#include "auth/signatures.hpp"
#include "http/net.hpp"
#include "util/error.hpp"

namespace pm::http {

// Loads the module (PHASE_MIRROR_HTTP_MODULE, else beside the executable, else in
// ../lib/phase-mirror-mcp/) and binds a Listener. The module stays loaded for the life of
// the process.
Result<std::unique_ptr<Listener>> open_listener(const ListenOptions& options, Handler& handler);

// The module's signature checker (OpenSSL), for the JWT access tokens of `--auth-config`.
Result<const auth::SignatureChecker*> signature_checker();

}  // namespace pm::http
