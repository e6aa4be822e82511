#pragma once
#include <string>

namespace pm::store {

// Random RFC 4122 version-4 UUID, lowercase.
std::string new_uuid();
// 32 random bytes as 64 lowercase hex chars (nonce / org salt material).
std::string new_secret();

}  // namespace pm::store
