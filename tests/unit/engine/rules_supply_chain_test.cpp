// Supply-chain rules MD-118..MD-121 on the cases their test data does not
// hold: one script line at a time (MD-119, MD-120), setup actions whose
// caching depends on their version (MD-118), and pins compared across several
// workflows and a composite action (MD-121).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/rules/rules.hpp"
#include "engine/rules/shell.hpp"

namespace pm::engine {
namespace supply_chain_test {
namespace {

std::vector<Finding> findings(const Rule& rule, const std::vector<std::pair<std::string, std::string>>& files) {
  AnalysisInput in;
  for (const auto& [path, text] : files) {
    in.workflows.push_back(parse_workflow(path, text));
    EXPECT_FALSE(in.workflows.back().parse_error.has_value()) << path;
  }
  std::vector<Finding> out;
  rule.evaluate(in, out);
  for (const auto& f : out) EXPECT_EQ(f.rule_id, rule.info().id);
  return out;
}

// A workflow whose one job runs `script` (one line).
std::string with_script(const std::string& script) {
  return "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: " + script + "\n";
}

std::size_t count(const Rule& rule, const std::string& script) {
  return findings(rule, {{".github/workflows/ci.yml", with_script(script)}}).size();
}

TEST(Shell, CommandsSplitAtPipesAndListsOutsideQuotes) {
  const auto cs = rules::shell::commands("A=1 sudo -E curl -s 'x | y' | bash -s 2>&1 && echo \"a;b\" # | sh");
  ASSERT_EQ(cs.size(), 3u);
  EXPECT_EQ(cs[0].words, (std::vector<std::string>{"A=1", "sudo", "-E", "curl", "-s", "x | y"}));
  EXPECT_EQ(rules::shell::command_word(cs[0].words), 3u);
  EXPECT_TRUE(cs[1].piped);
  EXPECT_EQ(cs[1].words, (std::vector<std::string>{"bash", "-s", "2>&1"}));
  EXPECT_FALSE(cs[2].piped);
  EXPECT_EQ(cs[2].words, (std::vector<std::string>{"echo", "a;b"}));
}

TEST(Md119, PipesIntoInterpretersAndSubstitutions) {
  const auto rule = rules::make_md_119();
  for (const std::string s :
       {"curl -sSL https://x.dev/i.sh | sh", "curl https://x.dev/i.sh | sudo bash -s -- --yes",
        "wget -qO- https://x.dev/i.sh | bash", "wget -O - https://x.dev/i.sh | sh",
        "curl -fsSL https://x.dev/i.py | python3 -", "/usr/bin/curl -s https://x.dev/i | env FOO=1 zsh",
        "bash <(curl -s https://x.dev/i.sh)", "source <(wget -qO- https://x.dev/env)",
        "eval \"$(curl -fsSL https://x.dev/env)\"",
        "iex ((New-Object System.Net.WebClient).DownloadString('https://x'))",
        "Invoke-Expression (Invoke-RestMethod https://x.dev/i.ps1)", "curl -o - https://x.dev/i.sh | sh"}) {
    EXPECT_EQ(count(*rule, s), 1u) << s;
  }
  for (const std::string s : {"curl -fsSLo i.sh https://x.dev/i.sh && sha256sum -c i.sh.sha256 && sh i.sh",
                              "curl -O https://x.dev/i.sh", "curl -s https://api.x.dev/v | jq .version",
                              "wget https://x.dev/i.sh | sh", "curl -s https://x.dev/k.asc | gpg --import",
                              "echo 'curl https://x | sh'", "curl -s https://x.dev/a.tgz | tar xz",
                              "bash ./scripts/install.sh", "echo \"$(curl -s https://x.dev/version)\""}) {
    EXPECT_EQ(count(*rule, s), 0u) << s;
  }
}

TEST(Md119, ContinuedLinesAreOneCommandAndPlainHttpIsHigh) {
  const auto fs = findings(*rules::make_md_119(), {{".github/workflows/ci.yml",
                                                    "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n"
                                                    "      - run: |\n          echo start\n"
                                                    "          curl -fsSL \\\n            http://x.dev/i.sh \\\n"
                                                    "            | sh\n"}});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].line, 8);
  EXPECT_EQ(fs[0].column, 11);
  EXPECT_EQ(fs[0].severity, Severity::kHigh);
  EXPECT_NE(fs[0].message.find("plain http://"), std::string::npos) << fs[0].message;
}

TEST(Md119, CompositeActionsToo) {
  const auto fs =
      findings(*rules::make_md_119(), {{".github/actions/setup/action.yml",
                                        "name: setup\nruns:\n  using: composite\n  steps:\n"
                                        "    - run: curl -fsSL https://x.dev/i.sh | bash\n      shell: bash\n"}});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].file, ".github/actions/setup/action.yml");
  EXPECT_EQ(fs[0].line, 5);
}

TEST(Md120, PinLevelsDecideThePersona) {
  const auto rule = rules::make_md_120();
  const auto persona_of = [&](const std::string& s) {
    const auto fs = findings(*rule, {{".github/workflows/ci.yml", with_script(s)}});
    EXPECT_EQ(fs.size(), 1u) << s;
    return fs.empty() ? std::string("none") : std::string(to_string(fs[0].persona));
  };
  EXPECT_EQ(persona_of("pip3 install --user 'requests>=2'"), "pedantic");
  EXPECT_EQ(persona_of("python3.12 -m pip install -U build==1.2.2"), "auditor");
  EXPECT_EQ(persona_of("uv pip install --system httpx"), "pedantic");
  EXPECT_EQ(persona_of("pnpm add -g @scope/tool@1.4.0"), "auditor");
  EXPECT_EQ(persona_of("yarn global add @scope/tool@^1"), "pedantic");
  EXPECT_EQ(persona_of("go install github.com/x/y/cmd/z@main"), "pedantic");
  EXPECT_EQ(persona_of("cargo install just@1.36.0"), "auditor");
  EXPECT_EQ(persona_of("sudo gem install fpm"), "pedantic");
  for (const std::string s : {"npm ci --ignore-scripts", "pnpm install --frozen-lockfile", "pip install -e .[dev]",
                              "pip install --no-deps ./dist/pkg-1.0.tar.gz", "cargo install --locked just@1.36.0",
                              "go install golang.org/x/tools/gopls@v0.16.2", "gem install ./pkg.gem",
                              "pip install \"${{ matrix.package }}\"", "sudo apt-get install -y jq"}) {
    EXPECT_EQ(count(*rule, s), 0u) << s;
  }
}

TEST(Md118, SetupActionsCacheByVersion) {
  const auto rule = rules::make_md_118();
  const auto release = [](const std::string& step) {
    return "on:\n  release:\n    types: [published]\njobs:\n  p:\n    runs-on: x\n    steps:\n      - " + step + "\n";
  };
  const auto count118 = [&](const std::string& step) {
    return findings(*rule, {{".github/workflows/release.yml", release(step)}}).size();
  };
  EXPECT_EQ(count118("uses: actions/setup-go@v5"), 1u) << "on by default from v4";
  EXPECT_EQ(count118("uses: actions/setup-go@v3"), 0u);
  EXPECT_EQ(count118("uses: actions/setup-go@v3\n        with:\n          cache: true"), 1u);
  EXPECT_EQ(count118("uses: astral-sh/setup-uv@v6"), 1u) << "`auto` from v6";
  EXPECT_EQ(count118("uses: astral-sh/setup-uv@v5"), 0u);
  EXPECT_EQ(count118("uses: astral-sh/setup-uv@v5\n        with:\n          enable-cache: true"), 1u);
  EXPECT_EQ(count118("uses: ruby/setup-ruby@v1\n        with:\n          bundler-cache: true"), 1u);
  EXPECT_EQ(count118("uses: actions/setup-node@v4\n        with:\n          node-version: 20"), 0u);
  EXPECT_EQ(count118("uses: Swatinem/rust-cache@v2"), 1u);
  EXPECT_EQ(count118("uses: gradle/actions/setup-gradle@v4\n        with:\n          cache-disabled: true"), 0u);
}

TEST(Md118, TagPushesAndPublishingRunLines) {
  const auto rule = rules::make_md_118();
  const std::string tags =
      "on:\n  push:\n    branches: [main]\n    tags: ['v*']\njobs:\n  b:\n    runs-on: x\n    steps:\n"
      "      - uses: actions/cache@v4\n        with:\n          path: x\n          key: k\n";
  const auto fs = findings(*rule, {{".github/workflows/release.yml", tags}});
  ASSERT_EQ(fs.size(), 1u);
  ASSERT_EQ(fs[0].related.size(), 1u);
  EXPECT_EQ(fs[0].related[0].line, 2) << "the push trigger";
  const std::string branches =
      "on:\n  push:\n    branches: [main]\njobs:\n  b:\n    runs-on: x\n    steps:\n"
      "      - uses: actions/cache@v4\n      - run: docker buildx build --push -t ghcr.io/o/r:edge .\n";
  const auto pushed = findings(*rule, {{".github/workflows/edge.yml", branches}});
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_EQ(pushed[0].related[0].line, 9) << "the publishing step";
  EXPECT_TRUE(findings(*rule, {{".github/actions/a/action.yml",
                                "name: a\nruns:\n  using: composite\n  steps:\n    - uses: actions/cache@v4\n"
                                "    - run: npm publish\n      shell: bash\n"}})
                  .empty())
      << "whether a composite action's caller publishes is not visible";
}

TEST(Md121, PinsAreComparedAcrossWorkflowsAndActions) {
  const std::string a = "11bd71901bbe5b1630ceea73d27597364c9af683";
  const std::string b = "b4ffde65f46336ab88eb53be808477a3936bae11";
  const auto job = [](const std::string& uses) {
    return "on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - uses: " + uses + "\n";
  };
  const auto fs =
      findings(*rules::make_md_121(),
               {{".github/workflows/ci.yml", job("actions/checkout@" + a + " # v4.2.2")},
                {".github/workflows/docs.yml", job("actions/checkout@" + a + " # v4.2.2")},
                {".github/workflows/release.yml", job("actions/checkout@" + b + " # v4.2.2")},
                {".github/actions/setup/action.yml",
                 "name: s\nruns:\n  using: composite\n  steps:\n    - uses: Actions/Checkout@" + a + " # v4.1.1\n"}});
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].file, ".github/workflows/release.yml");
  EXPECT_EQ(fs[0].severity, Severity::kMedium);
  EXPECT_EQ(fs[0].confidence, Confidence::kMedium);
  ASSERT_EQ(fs[0].related.size(), 2u);
  EXPECT_EQ(fs[0].related[0].file, ".github/workflows/ci.yml");
  EXPECT_EQ(fs[0].related[1].file, ".github/workflows/docs.yml");
  EXPECT_EQ(fs[1].file, ".github/actions/setup/action.yml");
  EXPECT_EQ(fs[1].line, 5);
  EXPECT_EQ(fs[1].severity, Severity::kLow);
  EXPECT_NE(fs[1].message.find("labelled v4.1.1 here but v4.2.2"), std::string::npos) << fs[1].message;
}

TEST(Md121, ATieReportsBothSidesAndTagsAreIgnored) {
  const auto job = [](const std::string& uses) {
    return "on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - uses: " + uses + "\n";
  };
  const auto fs = findings(
      *rules::make_md_121(),
      {{".github/workflows/a.yml", job("docker/login-action@9780b0c442fbb1117ed29e0efdff1e18412f7567 # v3.3.0")},
       {".github/workflows/b.yml", job("docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772 # v3.4.0")},
       {".github/workflows/c.yml", job("docker/login-action@v3")}});
  ASSERT_EQ(fs.size(), 2u);
  for (const auto& f : fs) EXPECT_EQ(f.persona, Persona::kPedantic) << f.message;
}

}  // namespace
}  // namespace supply_chain_test
}  // namespace pm::engine
