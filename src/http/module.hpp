#pragma once
// Opens the HTTP network layer (the shared object of net.hpp) on demand: only `serve --http`
// calls this, so the stdio server never maps it.
#include <memory>
#include <string>

#include "http/net.hpp"
#include "util/error.hpp"

namespace pm::http {

// Loads the module (PHASE_MIRROR_HTTP_MODULE, else beside the executable, else in
// ../lib/phase-mirror-mcp/) and binds a Listener. The module stays loaded for the life of
// the process.
Result<std::unique_ptr<Listener>> open_listener(const ListenOptions& options, Handler& handler);

}  // namespace pm::http
