#pragma once
// What a server offers a client: tools, prompts, resources and resource templates, and
// completions for prompt arguments and template variables. The protocol core answers
// prompts/*, resources/* and completion/complete from this; each capability is declared
// only when something offers it.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mcp/tool.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::mcp {

// Candidate values of one argument (a prompt's, or a template's variable); the core keeps
// those that start with what the client typed so far and returns at most 100.
using Completer = std::function<std::vector<std::string>(const std::string& argument, ToolContext& ctx)>;

struct PromptArgument {
  std::string name;
  std::string description;
  bool required = false;
};

struct PromptDef {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgument> arguments;
  // The prompts/get result ({description?, messages: [{role, content}]}) for the arguments
  // (required ones present). An INVALID_INPUT or *_NOT_FOUND error is the client's (-32602).
  std::function<Result<Json>(const std::map<std::string, std::string>& arguments, ToolContext& ctx)> get;
  Completer complete;  // may be empty
};

struct ResourceDef {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
};

struct ResourceTemplateDef {
  std::string uri_template;  // level-1 RFC 6570: literal text and {variable}s
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  Completer complete;  // per variable; may be empty
};

inline constexpr const char* kResourceNotFound = "RESOURCE_NOT_FOUND";

// A family of resources: its templates, the concrete resources it lists, and how to read
// one of its URIs. `read` answers a URI it does not know with a RESOURCE_NOT_FOUND error,
// so that the next provider is asked.
struct ResourceProvider {
  std::vector<ResourceTemplateDef> templates;
  std::function<std::vector<ResourceDef>(ToolContext& ctx)> list;
  // The contents array of resources/read: [{uri, mimeType, text | blob}].
  std::function<Result<Json>(const std::string& uri, ToolContext& ctx)> read;
};

struct Surface {
  std::vector<ToolDef> tools;
  std::vector<PromptDef> prompts;
  std::vector<ResourceProvider> resources;
};

// The variables of `uri` under a level-1 template, nullopt when it does not match (a
// variable matches one or more characters other than '/').
std::optional<std::map<std::string, std::string>> match_uri_template(const std::string& uri_template,
                                                                     const std::string& uri);

}  // namespace pm::mcp
