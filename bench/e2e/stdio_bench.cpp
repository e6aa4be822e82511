// End-to-end stdio benchmark: spawns phase-mirror-mcp as an MCP client would
// and measures what a client sees — start-up to the initialize answer,
// per-tool round-trip latency, throughput with several calls in flight, and
// resident memory over a long session (with a growth verdict).
//
//   pm_stdio_bench --binary build/release/phase-mirror-mcp [--smoke]
//                  [--calls N] [--heavy-calls N] [--startups N] [--throughput-calls N]
//                  [--growth-calls N] [--warmup-calls N] [--json FILE] [--markdown FILE]
//                  [--server-log FILE]   (server stderr; default /dev/null)
//                  [--only TEXT[,TEXT]]  (latency scenarios whose name contains one of the TEXTs)
//   pm_stdio_bench --binary ... --soak-seconds N [--soak-sample-seconds N] [--soak-hostile-every K]
//                  [--soak-workers N] [--soak-call-timeout-ms N] [--soak-probe-ms N]
//                  [--soak-rss-limit-kb N] [--json FILE] [--markdown FILE]
//                  (the soak alone: mixed calls with a hostile input every Kth call; CSV of
//                  samples on stdout, then a summary; exits 1 on a lost answer, a dead
//                  server, a failed probe or RSS growth over the limit)
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "inputs.hpp"
#include "server_under_test.hpp"
#include "support/hostile_inputs.hpp"
#include "util/json.hpp"

namespace pm::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string binary = "build/release/phase-mirror-mcp";
  bool smoke = false;
  std::size_t calls = 1000;        // per small-input scenario
  std::size_t heavy_calls = 1000;  // per large-input scenario
  std::size_t startups = 20;
  std::size_t throughput_calls = 4000;
  std::size_t in_flight = 8;
  std::size_t growth_calls = 10000;
  std::size_t warmup_calls = 1000;
  std::string json_out;
  std::string markdown_out;
  std::string server_log = "/dev/null";
  std::string only;  // run only the latency scenarios whose name contains this
  // --soak-seconds N: the soak alone (see run_soak), with these settings.
  std::size_t soak_seconds = 0;
  std::size_t soak_sample_seconds = 30;
  std::size_t soak_hostile_every = 1000;
  std::size_t soak_workers = 1;
  std::size_t soak_call_timeout_ms = 3000;
  std::size_t soak_probe_ms = 5000;
  std::size_t soak_rss_limit_kb = 2048;
};

struct Scenario {
  std::string name;
  std::string tool;
  Json args;
  bool heavy = false;
};

struct Percentiles {
  double p50 = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
};

Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto rank = [&](double q) {
    const auto idx = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(idx, 1, v.size()) - 1];
  };
  p.p50 = rank(0.50);
  p.p95 = rank(0.95);
  p.p99 = rank(0.99);
  p.max = v.back();
  double sum = 0;
  for (double x : v) sum += x;
  p.mean = sum / static_cast<double>(v.size());
  return p;
}

Json to_json(const Percentiles& p) {
  auto r = [](double x) { return std::round(x * 1000.0) / 1000.0; };
  return Json{{"p50", r(p.p50)}, {"p95", r(p.p95)}, {"p99", r(p.p99)}, {"max", r(p.max)}, {"mean", r(p.mean)}};
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string call_line(long long id, const Scenario& s) {
  if (s.tool.empty()) return dump_line(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "ping"}});
  return dump_line(Json{
      {"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", {{"name", s.tool}, {"arguments", s.args}}}});
}

bool is_error_result(const std::string& line) {
  return line.find(R"("isError":true)") != std::string::npos || line.find(R"("error":{"code")") != std::string::npos;
}

// One sequential call: returns the round trip in ms and whether it was an error result.
std::pair<double, bool> timed_call(ServerUnderTest& server, const Scenario& s, std::string* response = nullptr) {
  const long long id = server.next_id();
  const std::string line = call_line(id, s);
  const auto t0 = Clock::now();
  server.send_line(line);
  for (;;) {
    std::string msg = server.read_line();
    if (response_id(msg) != id) continue;
    const double ms = ms_since(t0);
    const bool err = is_error_result(msg);
    if (response != nullptr) *response = std::move(msg);
    return {ms, err};
  }
}

std::vector<Scenario> scenarios(const Inputs& in) {
  const Json drift = {{"currentMetric", {{"name", "fp_rate"}, {"value", 0.12}}},
                      {"baselineMetric", {{"name", "fp_rate"}, {"value", 0.10}}},
                      {"threshold", 0.5}};
  return {
      // The floor of a round trip: answered on the reading thread, no tool, no worker.
      {"ping", "", Json::object(), false},
      {"get_server_info", "get_server_info", Json::object(), false},
      {"analyze_dissonance: 1 small workflow", "analyze_dissonance", Json{{"files", {in.small_workflow}}}, false},
      {"analyze_dissonance: 1 MB workflow", "analyze_dissonance", Json{{"files", {in.big_workflow}}}, true},
      {"analyze_dissonance: 100 files", "analyze_dissonance",
       Json{{"files", in.analysis_files}, {"mode", "pull_request"}, {"context", "bench/repo"}}, true},
      {"analyze_dissonance: 200-workflow repository, collected", "analyze_dissonance",
       Json{{"files", {in.repository_dir}}, {"mode", "pull_request"}, {"context", "bench/repo"}}, true},
      {"validate_l0_invariants: drift + contraction (no files)", "validate_l0_invariants",
       Json{{"driftCheck", drift},
            {"contractionCheck", {{"previousFPR", 0.2}, {"currentFPR", 0.1}, {"witnessEventCount", 12}}}},
       false},
      {"validate_l0_invariants: small workflow permissions", "validate_l0_invariants",
       Json{{"workflowFiles", {in.small_workflow}}, {"driftCheck", drift}}, false},
      {"check_adr_compliance: 2 files vs 200 ADRs", "check_adr_compliance",
       Json{{"files", {in.small_workflow, "src/module000/index.ts"}}, {"adrPath", in.adr_dir}}, true},
      {"query_fp_store: fp_rate", "query_fp_store",
       Json{{"queryType", "fp_rate"}, {"ruleId", "MD-101"}, {"orgId", "bench-org"}}, false},
      {"check_consent_requirements: summary", "check_consent_requirements",
       Json{{"orgId", "bench-org"}, {"checkType", "summary"}}, false},
  };
}

// `only` is empty (every scenario) or comma-separated parts of scenario names, so that the
// floor (ping) and small calls are measured side by side in one run.
bool selected(const std::string& only, const std::string& name) {
  if (only.empty()) return true;
  std::istringstream parts(only);
  for (std::string part; std::getline(parts, part, ',');) {
    if (!part.empty() && name.find(part) != std::string::npos) return true;
  }
  return false;
}

SpawnOptions spawn_options(const Options& opt, const Inputs& in) {
  SpawnOptions so;
  so.binary = opt.binary;
  so.cwd = in.workspace;
  // The per-tool rate limiter (20 calls/s by default) protects against a runaway
  // agent; a benchmark measures the calls themselves, so it is switched off.
  so.env = {{"PHASE_MIRROR_WORKSPACE", in.workspace},
            {"PHASE_MIRROR_DATA_DIR", in.data_dir},
            {"PHASE_MIRROR_RATE_LIMIT", "0"}};
  so.stderr_path = opt.server_log;
  return so;
}

// The local store needs consent before query_fp_store answers with data; the
// admin command may not exist in every build, in which case the scenario
// reports its CONSENT_REQUIRED answers as errors.
void grant_consent(const Options& opt, const Inputs& in) {
  const std::string cmd = "cd '" + in.workspace + "' && PHASE_MIRROR_DATA_DIR='" + in.data_dir + "' '" + opt.binary +
                          "' consent grant --org bench-org --resources fp_metrics,fp_patterns >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) std::cerr << "note: consent grant failed; query_fp_store may answer errors\n";
}

Json machine() {
  Json m;
  m["nproc"] = sysconf(_SC_NPROCESSORS_ONLN);
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("model name", 0) == 0) {
      m["cpu"] = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::ifstream mem("/proc/meminfo");
  std::string key;
  long kb = 0;
  if (mem >> key >> kb) m["memTotalMiB"] = kb / 1024;
  utsname u{};
  if (uname(&u) == 0) m["kernel"] = std::string(u.sysname) + " " + u.release + " " + u.machine;
  m["compiler"] = std::string("g++ ") + __VERSION__;
  return m;
}

Json measure_startup(const Options& opt, const Inputs& in) {
  std::vector<double> ms;
  long rss = -1;
  for (std::size_t i = 0; i < opt.startups; ++i) {
    const auto t0 = Clock::now();
    ServerUnderTest server(spawn_options(opt, in));
    server.initialize();
    ms.push_back(ms_since(t0));
    rss = server.rss_kb();
  }
  return Json{
      {"runs", opt.startups}, {"toInitializeAnswerMs", to_json(percentiles(ms))}, {"rssAfterInitializeKb", rss}};
}

Json measure_scenario(const Options& opt, const Inputs& in, const Scenario& s) {
  ServerUnderTest server(spawn_options(opt, in));
  server.initialize();
  const std::size_t n = s.heavy ? opt.heavy_calls : opt.calls;
  std::string first;
  timed_call(server, s, &first);  // the first call pays lazy initialisation; it is reported separately
  const Json first_msg = Json::parse(first, nullptr, false);
  const std::size_t warmup = std::min<std::size_t>(20, n);
  for (std::size_t i = 0; i < warmup; ++i) timed_call(server, s);
  std::vector<double> ms;
  ms.reserve(n);
  std::size_t errors = 0;
  for (std::size_t i = 0; i < n; ++i) {
    auto [t, err] = timed_call(server, s);
    ms.push_back(t);
    errors += err ? 1 : 0;
  }
  Json out{{"name", s.name}, {"tool", s.tool}, {"calls", n}, {"errors", errors}, {"responseBytes", first.size()}};
  if (first_msg.is_object()) {
    const Json& r = first_msg.contains("result") ? first_msg["result"] : first_msg;
    if (r.contains("structuredContent") && r["structuredContent"].contains("code") &&
        r["structuredContent"]["code"].is_string())
      out["errorCode"] = r["structuredContent"]["code"];
    else if (first_msg.contains("error"))
      out["errorCode"] = first_msg["error"]["message"];
  }
  out["roundTripMs"] = to_json(percentiles(ms));
  // The server's own view (time from dispatch to envelope), over its latest samples of this tool.
  const Json info = server.request("tools/call", Json{{"name", "get_server_info"}, {"arguments", Json::object()}});
  const Json tools = info["structuredContent"]["metrics"].value("tools", Json::object());
  if (tools.contains(s.tool)) out["serverMs"] = tools[s.tool]["latencyMs"];
  out["rssKb"] = server.rss_kb();
  return out;
}

// Mixed workload: the small scenarios in turn and, with `heavy`, every 50th
// call a large-input one, each large-input scenario in turn.
std::vector<const Scenario*> mix(const std::vector<Scenario>& all, bool heavy_too) {
  std::vector<const Scenario*> small;
  std::vector<const Scenario*> heavy;
  for (const auto& s : all) {
    if (!s.tool.empty()) (s.heavy ? heavy : small).push_back(&s);
  }
  if (!heavy_too) heavy.clear();
  if (small.empty()) small = heavy;
  if (small.empty()) throw std::runtime_error("no scenario available for a mixed workload");
  std::vector<const Scenario*> cycle;
  const std::size_t rounds = std::max<std::size_t>(1, heavy.size());
  for (std::size_t i = 0; i < 50 * rounds; ++i) {
    if (i % 50 == 49 && !heavy.empty())
      cycle.push_back(heavy[i / 50]);
    else
      cycle.push_back(small[i % small.size()]);
  }
  return cycle;
}

Json measure_throughput(const Options& opt, const Inputs& in, const std::vector<Scenario>& available) {
  std::vector<const Scenario*> small;
  for (const auto& s : available)
    if (!s.heavy && !s.tool.empty()) small.push_back(&s);
  if (small.empty()) throw std::runtime_error("no small-input scenario available for the throughput run");
  ServerUnderTest server(spawn_options(opt, in));
  server.initialize();
  std::unordered_set<long long> pending;
  std::size_t sent = 0;
  std::size_t done = 0;
  const auto t0 = Clock::now();
  while (done < opt.throughput_calls) {
    while (sent < opt.throughput_calls && pending.size() < opt.in_flight) {
      const long long id = server.next_id();
      server.send_line(call_line(id, *small[sent % small.size()]));
      pending.insert(id);
      ++sent;
    }
    if (pending.erase(response_id(server.read_line())) != 0) ++done;
  }
  const double secs = ms_since(t0) / 1000.0;
  return Json{{"inFlight", opt.in_flight},
              {"calls", done},
              {"seconds", std::round(secs * 1000) / 1000},
              {"callsPerSecond", std::llround(static_cast<double>(done) / secs)},
              {"workload", "small-input calls of every available tool, in turn"}};
}

Json measure_memory(const Options& opt, const Inputs& in, const std::vector<Scenario>& available, bool heavy_too) {
  const auto cycle = mix(available, heavy_too);
  ServerUnderTest server(spawn_options(opt, in));
  server.initialize();
  // Each reading is taken twice: right after the call's answer (the allocator
  // may still hold that call's freed working set) and at rest, once the server
  // has been idle long enough to hand free memory back (its idle trim, 1 s).
  const auto at_rest = [&server] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return server.rss_kb();
  };
  const long start = server.rss_kb();
  long after_warmup = -1;
  long after_warmup_rest = -1;
  std::size_t errors = 0;
  for (std::size_t i = 0; i < opt.growth_calls; ++i) {
    errors += timed_call(server, *cycle[i % cycle.size()]).second ? 1 : 0;
    if (i + 1 == opt.warmup_calls) {
      after_warmup = server.rss_kb();
      after_warmup_rest = at_rest();
    }
  }
  const long end = server.rss_kb();
  const long end_rest = at_rest();
  const long growth = end - after_warmup;
  const long growth_rest = end_rest - after_warmup_rest;
  constexpr long kLimitKb = 1024;
  return Json{{"calls", opt.growth_calls},
              {"warmupCalls", opt.warmup_calls},
              {"errors", errors},
              {"rssStartKb", start},
              {"rssAfterWarmupKb", after_warmup},
              {"rssEndKb", end},
              {"rssAfterWarmupAtRestKb", after_warmup_rest},
              {"rssEndAtRestKb", end_rest},
              {"peakRssKb", server.peak_rss_kb()},
              {"growthAfterWarmupKb", growth},
              {"growthAfterWarmupAtRestKb", growth_rest},
              {"limitKb", kLimitKb},
              {"verdict", growth < kLimitKb && growth_rest < kLimitKb ? "PASS" : "FAIL"},
              {"workload", heavy_too ? "small-input calls of every available tool; every 50th call a large-input one"
                                     : "small-input calls of every available tool"}};
}

std::string fmt(double v, int decimals = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// ---------------------------------------------------------------------------
// Soak: one server for a long time, the mixed workload with a hostile input
// every Kth call, each followed by a get_server_info probe that must answer
// promptly. With one worker (the default here) a worker that a hostile call
// left busy makes the probe miss its deadline.

using hostile::repeated;

struct HostileKind {
  std::string name;
  // Variants are sent in turn; each is the message without its id, as
  // `"method":...}` (the id is put in front when sent).
  std::vector<std::string> bodies;
  bool cancel = false;      // notifications/cancelled 300 ms after sending; no answer expected
  bool null_id_ok = false;  // unparseable: the answer may carry "id":null
  // Generous: under load, at nice 10, one 50 MB message took 125 s once (12-15 s after).
  std::chrono::milliseconds deadline{300000};
};

std::string body_of(const std::string& method, const Json& params) {
  const std::string s = dump_line(Json{{"method", method}, {"params", params}});
  return s.substr(1);  // without the opening brace
}

std::string tool_body(const std::string& tool, const Json& args) {
  return body_of("tools/call", Json{{"name", tool}, {"arguments", args}});
}

void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// Writes the hostile repository content into the workspace and returns the
// kinds of hostile call, in the order they are sent. A smoke run sends a 1 MB
// orgId and a 64 KB path instead of 50 MB and 4 MB (one 50 MB message can
// take minutes on a loaded machine).
std::vector<HostileKind> hostile_kinds(const Inputs& in, bool smoke) {
  const std::string ws = in.workspace + "/";
  write_text(ws + ".github/workflows/hostile-bomb.yml", hostile::yaml_alias_bomb());
  write_text(ws + ".github/workflows/hostile-deep.yml", hostile::deeply_nested_workflow(100000));
  write_text(ws + ".github/workflows/hostile-script.yml", hostile::huge_script_workflow(60000));
  write_text(ws + "hostile/adr-glob/ADR-001-glob.md", hostile::adr_with_block(hostile::glob_bomb_block(120000)));
  write_text(ws + "hostile/adr-regex/ADR-001-regex.md", hostile::adr_with_block(hostile::kHugeRegexBlock));
  write_text(ws + "hostile/adr-slow/ADR-001-slow.md", hostile::adr_with_block(hostile::kSlowRuleBlock));
  write_text(ws + "hostile/words.txt", repeated("aaaaaa ", (1u << 20) / 7));
  write_text(ws + "hostile/slow.txt", hostile::slow_text());
  write_text(ws + "hostile/BAD.txt", "BAD\n");

  // 20 spellings of one 4 MiB path, each matched for its full per-file limit:
  // about 40 s of work unless the call is stopped.
  Json slow_files = Json::array();
  for (std::size_t i = 0; i < 20; ++i) slow_files.push_back(repeated("./", i) + "hostile/slow.txt");
  const Json slow_args{{"files", slow_files}, {"adrPath", "hostile/adr-slow"}};

  const std::string deep_params = "{\"name\":\"get_server_info\",\"arguments\":{\"x\":" + std::string(100000, '[') +
                                  std::string(100000, ']') + "}}";
  return {
      {"YAML alias bomb", {tool_body("analyze_dissonance", Json{{"files", {".github/workflows/hostile-bomb.yml"}}})}},
      {"YAML nested 100 000 deep",
       {tool_body("analyze_dissonance", Json{{"files", {".github/workflows/hostile-deep.yml"}}})}},
      {"JSON message nested 100 000 deep", {"\"method\":\"tools/call\",\"params\":" + deep_params + "}"}, false, true},
      {"run block of 2.8 MB with 60 000 ${{ }}",
       {tool_body("analyze_dissonance", Json{{"files", {".github/workflows/hostile-script.yml"}}})}},
      {"ADR glob of 120 000 **/",
       {tool_body("check_adr_compliance", Json{{"files", {"hostile/BAD.txt"}}, {"adrPath", "hostile/adr-glob"}})}},
      {"ADR regex too large for a 1 MB file",
       {tool_body("check_adr_compliance", Json{{"files", {"hostile/words.txt"}}, {"adrPath", "hostile/adr-regex"}})}},
      {smoke ? "1 MB orgId / 64 KB path" : "50 MB orgId / 4 MB path",
       {tool_body("query_fp_store", Json{{"queryType", "fp_rate"},
                                         {"ruleId", "MD-101"},
                                         {"orgId", std::string(smoke ? 1u << 20 : 50u << 20, 'o')}}),
        tool_body("analyze_dissonance", Json{{"files", {std::string(smoke ? 64u << 10 : 4u << 20, 'p')}}})}},
      {"invalid UTF-8 / NUL",
       {"\"method\":\"tools/call\",\"params\":{\"name\":\"check_consent_requirements\",\"arguments\":{\"orgId\":"
        "\"org\xff\xfe\",\"checkType\":\"summary\"}}}",
        tool_body("analyze_dissonance", Json{{"files", {std::string("src/a\0b.ts", 10)}}}),
        "\"method\":\"tools/call\",\"params\":{\"name\":\"check_consent_requirements\",\"arguments\":{"
        "\"orgId\":\"a" +
            std::string(1, '\0') + "b\",\"checkType\":\"summary\"}}}"},
       false,
       true},
      {"cancelled mid-way", {tool_body("check_adr_compliance", slow_args)}, true},
      {"past the call timeout", {tool_body("check_adr_compliance", slow_args)}},
  };
}

struct SoakSample {
  double elapsed_s = 0;
  std::size_t calls = 0;
  std::size_t hostile = 0;
  std::size_t errors = 0;
  long rss_kb = -1;       // between calls
  long rss_rest_kb = -1;  // after 1.5 s idle (the server trims after 1 s)
  long peak_kb = -1;
};

class Soak {
 public:
  Soak(const Options& opt, const Inputs& in, std::vector<HostileKind> kinds)
      : opt_(opt), kinds_(std::move(kinds)), server_(soak_spawn(opt, in)) {}

  Json run(const std::vector<const Scenario*>& cycle) {
    server_.initialize();
    t0_ = Clock::now();
    std::cout << "elapsed_s,calls,hostile_calls,probes,errors,rss_kb,rss_at_rest_kb,peak_rss_kb" << std::endl;
    sample();
    auto next_sample = t0_ + std::chrono::seconds(opt_.soak_sample_seconds);
    const auto end = t0_ + std::chrono::seconds(opt_.soak_seconds);
    std::size_t since_hostile = 0;
    std::size_t next_normal = 0;
    std::size_t next_hostile = 0;
    try {
      while (Clock::now() < end) {
        if (++since_hostile >= opt_.soak_hostile_every) {
          since_hostile = 0;
          hostile_call(kinds_[next_hostile % kinds_.size()], next_hostile / kinds_.size());
          ++next_hostile;
          probe();
        } else {
          normal_call(*cycle[next_normal++ % cycle.size()]);
        }
        if (Clock::now() >= next_sample) {
          sample();
          next_sample += std::chrono::seconds(opt_.soak_sample_seconds);
        }
      }
      sample();
    } catch (const std::exception& e) {
      failures_.push_back(e.what());
      std::cout << "# stopped: " << e.what() << std::endl;
    }
    return summary();
  }

 private:
  static SpawnOptions soak_spawn(const Options& opt, const Inputs& in) {
    SpawnOptions so = spawn_options(opt, in);
    so.env["PHASE_MIRROR_WORKERS"] = std::to_string(opt.soak_workers);
    so.env["PHASE_MIRROR_CALL_TIMEOUT_MS"] = std::to_string(opt.soak_call_timeout_ms);
    return so;
  }

  double elapsed() const { return ms_since(t0_) / 1000.0; }

  // The next answer (not a notification); an answer to a cancelled call is counted and skipped.
  std::pair<long long, std::string> next_answer(Clock::time_point deadline, const std::string& what) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) throw std::runtime_error("no answer to " + what + " in time");
      std::string line;
      try {
        line = server_.read_line(left);
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string(e.what()) + " (waiting for " + what + ")");
      }
      long long id = response_id(line);
      if (id < 0) {
        const Json m = Json::parse(line, nullptr, false);
        if (!m.is_object()) throw std::runtime_error("not JSON on stdout while waiting for " + what);
        if (m.contains("method")) continue;  // a notification
        if (!(m.contains("id") && m["id"].is_null())) throw std::runtime_error("an answer with an unexpected id");
      }
      if (id >= 0 && cancelled_.count(id) != 0) {
        ++cancelled_answered_;
        continue;
      }
      return {id, std::move(line)};
    }
  }

  static std::string code_of(const std::string& line) {
    if (!is_error_result(line)) return "ok";
    const Json m = Json::parse(line, nullptr, false);
    if (m.contains("error")) return "JSON-RPC " + std::to_string(m["error"].value("code", 0));
    const Json& sc = m["result"]["structuredContent"];
    return sc.is_object() && sc.contains("code") && sc["code"].is_string() ? sc["code"].get<std::string>() : "isError";
  }

  void count(std::map<std::string, std::size_t>& by_code, const std::string& code) {
    ++by_code[code];
    if (code != "ok") ++errors_;
  }

  void normal_call(const Scenario& s) {
    const long long id = server_.next_id();
    const auto t = Clock::now();
    server_.send_line(call_line(id, s));
    auto [got, line] = next_answer(t + std::chrono::seconds(120), s.name);
    if (got != id) throw std::runtime_error("an answer to another call while waiting for " + s.name);
    count(normal_[s.name], code_of(line));
    normal_ms_[s.name].push_back(ms_since(t));
    ++calls_;
  }

  void hostile_call(const HostileKind& k, std::size_t round) {
    const std::string& body = k.bodies[round % k.bodies.size()];
    const long long id = server_.next_id();
    const auto t = Clock::now();
    server_.send_line(R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + "," + body);
    ++calls_;
    ++hostile_;
    if (k.cancel) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      server_.send_line(dump_line(Json{{"jsonrpc", "2.0"},
                                       {"method", "notifications/cancelled"},
                                       {"params", {{"requestId", id}, {"reason", "soak"}}}}));
      cancelled_.insert(id);
      ++hostile_by_kind_[k.name]["cancelled (no answer)"];
      return;
    }
    auto [got, line] = next_answer(t + k.deadline, k.name);
    if (got != id && !(got < 0 && k.null_id_ok)) throw std::runtime_error("an answer to another call: " + k.name);
    count(hostile_by_kind_[k.name], code_of(line));
    hostile_ms_[k.name].push_back(ms_since(t));
  }

  // get_server_info right after a hostile call: it needs a free worker.
  void probe() {
    const long long id = server_.next_id();
    const auto t = Clock::now();
    server_.send_line(dump_line(Json{{"jsonrpc", "2.0"},
                                     {"id", id},
                                     {"method", "tools/call"},
                                     {"params", {{"name", "get_server_info"}, {"arguments", Json::object()}}}}));
    auto [got, line] = next_answer(t + std::chrono::milliseconds(opt_.soak_probe_ms), "the probe after a hostile call");
    if (got != id) throw std::runtime_error("an answer to another call while waiting for the probe");
    const Json m = Json::parse(line, nullptr, false);
    if (!m.is_object() || !m.contains("result") ||
        m["result"]["structuredContent"].value("name", "") != "Phase Mirror MCP Server")
      throw std::runtime_error("the probe after a hostile call failed: " + line.substr(0, 300));
    probe_ms_.push_back(ms_since(t));
    ++probes_;
    ++calls_;
  }

  void sample() {
    SoakSample s;
    s.rss_kb = server_.rss_kb();
    // At rest: the server trims 1 s after its last call, later when it gets
    // little CPU (a starved trim read 35 MB instead of 10), so the reading is
    // taken once two in a row, 0.5 s apart, agree (at most 10 s).
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    s.rss_rest_kb = server_.rss_kb();
    for (int i = 0; i < 17; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      const long again = server_.rss_kb();
      if (again == s.rss_rest_kb) break;
      s.rss_rest_kb = again;
    }
    s.peak_kb = server_.peak_rss_kb();
    s.elapsed_s = elapsed();
    s.calls = calls_;
    s.hostile = hostile_;
    s.errors = errors_;
    samples_.push_back(s);
    std::cout << fmt(s.elapsed_s, 1) << "," << s.calls << "," << s.hostile << "," << probes_ << "," << s.errors << ","
              << s.rss_kb << "," << s.rss_rest_kb << "," << s.peak_kb << std::endl;
    if (s.rss_kb < 0 || s.rss_rest_kb < 0) throw std::runtime_error("the server process is gone");
  }

  Json summary() {
    Json out;
    out["smoke"] = opt_.smoke;
    out["seconds"] = std::round(elapsed() * 10) / 10;
    out["workers"] = opt_.soak_workers;
    out["callTimeoutMs"] = opt_.soak_call_timeout_ms;
    out["hostileEvery"] = opt_.soak_hostile_every;
    out["calls"] = calls_;
    out["hostileCalls"] = hostile_;
    out["probes"] = probes_;
    out["probeMs"] = to_json(percentiles(probe_ms_));
    out["cancelledCallsAnswered"] = cancelled_answered_;
    out["normalAnswers"] = normal_;
    out["hostileAnswers"] = hostile_by_kind_;
    for (const auto& [name, ms] : normal_ms_) out["normalMs"][name] = to_json(percentiles(ms));
    for (const auto& [name, ms] : hostile_ms_) out["hostileMs"][name] = to_json(percentiles(ms));
    Json rows = Json::array();
    for (const auto& s : samples_)
      rows.push_back(Json{{"elapsedS", std::round(s.elapsed_s * 10) / 10},
                          {"calls", s.calls},
                          {"hostileCalls", s.hostile},
                          {"errors", s.errors},
                          {"rssKb", s.rss_kb},
                          {"rssAtRestKb", s.rss_rest_kb},
                          {"peakRssKb", s.peak_kb}});
    out["samples"] = rows;
    // Growth over the second half: the highest at-rest reading from half-time
    // on, against the at-rest reading at half-time.
    const double half = elapsed() / 2;
    long at_half = -1;
    long highest = -1;
    for (const auto& s : samples_) {
      if (s.elapsed_s + 1e-9 < half) continue;
      if (at_half < 0) at_half = s.rss_rest_kb;
      highest = std::max(highest, s.rss_rest_kb);
    }
    const long growth = at_half < 0 ? 0 : highest - at_half;
    out["rssAtRestHalfTimeKb"] = at_half;
    out["rssAtRestHighestSecondHalfKb"] = highest;
    out["growthSecondHalfKb"] = growth;
    out["limitKb"] = opt_.soak_rss_limit_kb;
    // A smoke run is too short for a growth verdict (its second half still
    // meets hostile kinds for the first time): the figures are only printed.
    if (!opt_.smoke && growth > static_cast<long>(opt_.soak_rss_limit_kb))
      failures_.push_back("RSS at rest grew by " + std::to_string(growth) + " KiB over the second half (limit " +
                          std::to_string(opt_.soak_rss_limit_kb) + " KiB)");
    out["failures"] = failures_;
    out["verdict"] = failures_.empty() ? "PASS" : "FAIL";
    return out;
  }

  const Options& opt_;
  std::vector<HostileKind> kinds_;
  ServerUnderTest server_;
  Clock::time_point t0_;
  std::size_t calls_ = 0;
  std::size_t hostile_ = 0;
  std::size_t probes_ = 0;
  std::size_t errors_ = 0;
  std::size_t cancelled_answered_ = 0;
  std::set<long long> cancelled_;
  std::map<std::string, std::map<std::string, std::size_t>> normal_;
  std::map<std::string, std::map<std::string, std::size_t>> hostile_by_kind_;
  std::vector<double> probe_ms_;
  std::map<std::string, std::vector<double>> normal_ms_;
  std::map<std::string, std::vector<double>> hostile_ms_;
  std::vector<SoakSample> samples_;
  std::vector<std::string> failures_;
};

std::string soak_markdown(const Json& r) {
  std::ostringstream md;
  md << "\n### Soak" << (r["smoke"].get<bool>() ? " (smoke run: RSS growth not judged)" : "") << ": " << r["seconds"]
     << " s, " << r["calls"] << " calls, " << r["hostileCalls"] << " hostile (one in " << r["hostileEvery"] << "), "
     << r["workers"] << " worker(s), call timeout " << r["callTimeoutMs"]
     << " ms\n\n| calls | answers by code | round trip p50 / max (ms) |\n|---|---|---|\n";
  const auto codes = [](const Json& by_code) {
    std::string s;
    for (const auto& [code, n] : by_code.items()) s += (s.empty() ? "" : ", ") + code + " " + n.dump();
    return s;
  };
  const auto times = [](const Json& all, const std::string& name) {
    if (!all.is_object() || !all.contains(name)) return std::string("-");
    return fmt(all[name]["p50"].get<double>(), 1) + " / " + fmt(all[name]["max"].get<double>(), 1);
  };
  for (const auto& [name, by_code] : r["normalAnswers"].items())
    md << "| " << name << " | " << codes(by_code) << " | " << times(r.value("normalMs", Json()), name) << " |\n";
  for (const auto& [name, by_code] : r["hostileAnswers"].items())
    md << "| hostile: " << name << " | " << codes(by_code) << " | " << times(r.value("hostileMs", Json()), name)
       << " |\n";
  const Json& p = r["probeMs"];
  md << "\nProbes after hostile calls: " << r["probes"] << ", p50 " << fmt(p["p50"].get<double>()) << " ms, max "
     << fmt(p["max"].get<double>()) << " ms; cancelled calls answered anyway: " << r["cancelledCallsAnswered"]
     << "\n\nRSS at rest at half-time " << r["rssAtRestHalfTimeKb"] << " KiB, highest in the second half "
     << r["rssAtRestHighestSecondHalfKb"] << " KiB: growth " << r["growthSecondHalfKb"] << " KiB (limit "
     << r["limitKb"] << " KiB)\n\n**" << r["verdict"].get<std::string>() << "**\n";
  for (const auto& f : r["failures"]) md << "- " << f.get<std::string>() << "\n";
  return md.str();
}

int run_soak(const Options& opt, const Inputs& in, const std::vector<Scenario>& available) {
  Soak soak(opt, in, hostile_kinds(in, opt.smoke));
  const Json report = soak.run(mix(available, true));
  const std::string md = soak_markdown(report);
  std::cout << md << std::flush;
  if (!opt.markdown_out.empty()) std::ofstream(opt.markdown_out) << md;
  if (!opt.json_out.empty()) std::ofstream(opt.json_out) << dump_pretty(report) << "\n";
  if (report["verdict"] == "PASS") return 0;
  for (const auto& f : report["failures"]) std::cerr << "pm_stdio_bench: soak: " << f.get<std::string>() << "\n";
  return 1;
}

std::string markdown(const Json& r) {
  std::ostringstream md;
  md << "### End-to-end stdio benchmark" << (r["smoke"].get<bool>() ? " (smoke run: figures not meaningful)" : "")
     << "\n\n";
  const Json& m = r["machine"];
  md << "Machine: " << m.value("cpu", "?") << ", " << m["nproc"] << " CPUs, " << m.value("memTotalMiB", 0)
     << " MiB RAM, " << m.value("kernel", "?") << "; binary `" << r["binary"].get<std::string>() << "`\n\n";
  const Json& st = r["startup"];
  md << "Start-up to the `initialize` answer (spawn included), " << st["runs"] << " runs: p50 "
     << fmt(st["toInitializeAnswerMs"]["p50"].get<double>()) << " ms, p95 "
     << fmt(st["toInitializeAnswerMs"]["p95"].get<double>()) << " ms; RSS after initialize "
     << st["rssAfterInitializeKb"] << " KiB\n\n";
  md << "| scenario | calls | errors | round trip p50 / p95 / p99 (ms) | server p50 / p95 / p99 (ms) | response bytes "
        "|\n";
  md << "|---|---:|---:|---|---|---:|\n";
  for (const auto& s : r["scenarios"]) {
    const Json& rt = s["roundTripMs"];
    md << "| " << s["name"].get<std::string>() << " | " << s["calls"] << " | " << s["errors"];
    if (s.contains("errorCode") && s["errors"].get<std::size_t>() > 0)
      md << " (" << s["errorCode"].get<std::string>() << ")";
    md << " | " << fmt(rt["p50"].get<double>()) << " / " << fmt(rt["p95"].get<double>()) << " / "
       << fmt(rt["p99"].get<double>()) << " | ";
    if (s.contains("serverMs"))
      md << fmt(s["serverMs"].value("p50", 0.0)) << " / " << fmt(s["serverMs"].value("p95", 0.0)) << " / "
         << fmt(s["serverMs"].value("p99", 0.0));
    else
      md << "n/a";
    md << " | " << s["responseBytes"] << " |\n";
  }
  if (!r["skipped"].empty()) {
    md << "\nNot measured (tool not registered in this build):";
    for (const auto& s : r["skipped"]) md << " " << s.get<std::string>() << ";";
    md << "\n";
  }
  const Json& t = r["throughput"];
  md << "\nThroughput, " << t["inFlight"] << " calls in flight: " << t["callsPerSecond"] << " calls/s (" << t["calls"]
     << " calls in " << fmt(t["seconds"].get<double>()) << " s)\n\n";
  for (const char* key : {"memorySmall", "memory"}) {
    const Json& mem = r[key];
    md << "Memory (VmRSS), " << mem["calls"] << " calls (" << mem["workload"].get<std::string>() << "): start "
       << mem["rssStartKb"] << " KiB, after " << mem["warmupCalls"] << " calls " << mem["rssAfterWarmupKb"]
       << " KiB, after " << mem["calls"] << " calls " << mem["rssEndKb"] << " KiB, peak " << mem["peakRssKb"]
       << " KiB; at rest (1.5 s idle) after " << mem["warmupCalls"] << " calls " << mem["rssAfterWarmupAtRestKb"]
       << " KiB, after " << mem["calls"] << " calls " << mem["rssEndAtRestKb"] << " KiB; growth after warm-up "
       << mem["growthAfterWarmupKb"] << " KiB, at rest " << mem["growthAfterWarmupAtRestKb"] << " KiB (limit "
       << mem["limitKb"] << " KiB each): **" << mem["verdict"].get<std::string>() << "**\n\n";
  }
  return md.str();
}

std::size_t to_count(const char* v) {
  char* end = nullptr;
  const unsigned long n = std::strtoul(v, &end, 10);
  if (end == v || *end != '\0' || n == 0) throw std::invalid_argument(std::string("not a positive count: ") + v);
  return n;
}

Options parse(int argc, char** argv) {
  Options o;
  std::vector<std::string> a(argv + 1, argv + argc);
  for (const auto& s : a)
    if (s == "--smoke") {
      o.smoke = true;
      o.calls = o.heavy_calls = 50;
      o.startups = 3;
      o.throughput_calls = 100;
      o.growth_calls = 200;
      o.warmup_calls = 50;
    }
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto value = [&]() -> const char* {
      if (i + 1 >= a.size()) throw std::invalid_argument(a[i] + " needs a value");
      return a[++i].c_str();
    };
    if (a[i] == "--smoke") continue;
    if (a[i] == "--binary")
      o.binary = value();
    else if (a[i] == "--calls")
      o.calls = to_count(value());
    else if (a[i] == "--heavy-calls")
      o.heavy_calls = to_count(value());
    else if (a[i] == "--startups")
      o.startups = to_count(value());
    else if (a[i] == "--throughput-calls")
      o.throughput_calls = to_count(value());
    else if (a[i] == "--growth-calls")
      o.growth_calls = to_count(value());
    else if (a[i] == "--warmup-calls")
      o.warmup_calls = to_count(value());
    else if (a[i] == "--json")
      o.json_out = value();
    else if (a[i] == "--markdown")
      o.markdown_out = value();
    else if (a[i] == "--server-log")
      o.server_log = value();
    else if (a[i] == "--only")
      o.only = value();
    else if (a[i] == "--soak-seconds")
      o.soak_seconds = to_count(value());
    else if (a[i] == "--soak-sample-seconds")
      o.soak_sample_seconds = to_count(value());
    else if (a[i] == "--soak-hostile-every")
      o.soak_hostile_every = to_count(value());
    else if (a[i] == "--soak-workers")
      o.soak_workers = to_count(value());
    else if (a[i] == "--soak-call-timeout-ms")
      o.soak_call_timeout_ms = to_count(value());
    else if (a[i] == "--soak-probe-ms")
      o.soak_probe_ms = to_count(value());
    else if (a[i] == "--soak-rss-limit-kb")
      o.soak_rss_limit_kb = to_count(value());
    else
      throw std::invalid_argument("unknown option " + a[i]);
  }
  if (o.warmup_calls >= o.growth_calls) throw std::invalid_argument("--warmup-calls must be below --growth-calls");
  if (access(o.binary.c_str(), X_OK) != 0) throw std::invalid_argument("not an executable: " + o.binary);
  o.binary = std::filesystem::absolute(o.binary).string();  // the server runs in the generated workspace
  return o;
}

int run(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  const Inputs in;
  grant_consent(opt, in);

  Json report;
  report["smoke"] = opt.smoke;
  report["binary"] = opt.binary;
  report["machine"] = machine();
  report["inputs"] = Json{
      {"bigWorkflowBytes", in.big_workflow_bytes}, {"analysisFiles", in.analysis_files.size()}, {"adrs", in.adr_count}};

  std::set<std::string> tools;
  {
    ServerUnderTest server(spawn_options(opt, in));
    server.initialize();
    const Json listed = server.request("tools/list", Json::object());
    for (const auto& t : listed["tools"]) tools.insert(t["name"].get<std::string>());
  }
  std::vector<Scenario> available;
  report["skipped"] = Json::array();
  for (auto& s : scenarios(in)) {
    if (s.tool.empty() || tools.count(s.tool) != 0)
      available.push_back(std::move(s));
    else
      report["skipped"].push_back(s.name);
  }

  if (opt.soak_seconds > 0) return run_soak(opt, in, available);
  std::cerr << "start-up...\n";
  report["startup"] = measure_startup(opt, in);
  report["scenarios"] = Json::array();
  for (const auto& s : available) {
    if (!selected(opt.only, s.name)) continue;
    std::cerr << "latency: " << s.name << "...\n";
    report["scenarios"].push_back(measure_scenario(opt, in, s));
  }
  std::cerr << "throughput...\n";
  report["throughput"] = measure_throughput(opt, in, available);
  std::cerr << "memory growth...\n";
  report["memorySmall"] = measure_memory(opt, in, available, false);
  report["memory"] = measure_memory(opt, in, available, true);

  const std::string md = markdown(report);
  std::cout << md;
  if (!opt.markdown_out.empty()) std::ofstream(opt.markdown_out) << md;
  if (!opt.json_out.empty()) std::ofstream(opt.json_out) << dump_pretty(report) << "\n";
  // A memory leak fails a full run; a smoke run only proves the harness executes.
  const bool leak = report["memory"]["verdict"] == "FAIL" || report["memorySmall"]["verdict"] == "FAIL";
  return (!opt.smoke && leak) ? 1 : 0;
}

}  // namespace
}  // namespace pm::bench

int main(int argc, char** argv) {
  try {
    return pm::bench::run(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::cerr << "pm_stdio_bench: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "pm_stdio_bench: " << e.what() << "\n";
    return 1;
  }
}
