// MD-124: Dependabot allowed to run code from the package manifests while it
// updates them, with the registries' credentials at hand.
#include <string>
#include <string_view>

#include "engine/rules/rules.hpp"

namespace pm::engine::rules {
namespace md_124 {
namespace {

constexpr std::string_view kTags[] = {"security", "supply-chain", "dependabot", "credentials"};

constexpr RuleInfo kInfo{
    .id = "MD-124",
    .title = "Dependabot runs code from the manifests",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "`insecure-external-code-execution: allow` on an `updates` entry of `.github/dependabot.yml`: while it "
        "updates the manifests (a `setup.py`, a `Gemfile`, a `mix.exs`), Dependabot runs the code in them and in "
        "the dependencies they pull, so whoever can change a manifest or publish one of those dependencies runs "
        "code in the update with the credentials of the private registries the entry uses. High when the entry "
        "names `registries` (a list, or `\"*\"` with registries defined); medium without, where the code runs "
        "without those credentials. Confidence high for the ecosystems where Dependabot honours the option "
        "(`bundler`, `mix`, `pip`); for others, where GitHub documents no effect, low confidence in the pedantic "
        "persona.",
    .not_reported =
        "`insecure-external-code-execution: deny`, entries without the option (Dependabot's default is not to run "
        "it), and entries without `package-ecosystem` (Dependabot rejects the file and updates nothing).",
    .remediation =
        "Remove `insecure-external-code-execution: allow` (or set `deny`); if the update then fails, vendor or pin "
        "what the manifest computes so that it can be read without running it, and keep private registries away "
        "from entries that must run code.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "version: 2\n"
        "registries:\n"
        "  internal-pypi:\n"
        "    type: python-index\n"
        "    url: https://pypi.example.com/simple\n"
        "    token: ${{ secrets.PYPI_TOKEN }}\n"
        "updates:\n"
        "  - package-ecosystem: pip\n"
        "    directory: /\n"
        "    schedule:\n"
        "      interval: weekly\n"
        "    registries: \"*\"\n"
        "    insecure-external-code-execution: allow   # setup.py runs with the token at hand\n",
};

bool honours_option(std::string_view ecosystem) {
  return ecosystem == "bundler" || ecosystem == "mix" || ecosystem == "pip";
}

// The entry hands credentials to the update: it names registries, or "*"
// while the file defines some.
bool uses_registries(const DependabotFile& d, const DependabotUpdate& u) {
  for (const auto& r : u.registries) {
    if (r.value != "*" || !d.registries.empty()) return true;
  }
  return false;
}

class Md124 final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void evaluate(const AnalysisInput& in, std::vector<Finding>& out, Budget& budget) const override {
    FindingSink sink(out, budget);
    for (const auto& d : in.dependabot) {
      if (d.file.parse_error) continue;
      for (const auto& u : d.updates) {
        if (!budget.step(1 + u.registries.size())) return;
        // An entry without package-ecosystem makes Dependabot reject the file: it updates nothing.
        if (!u.package_ecosystem || !u.insecure_external_code_execution ||
            u.insecure_external_code_execution->value != "allow") {
          continue;
        }
        const std::string& ecosystem = u.package_ecosystem->value;
        const bool registries = uses_registries(d, u);
        FindingBuilder b(kInfo);
        b.at(d.file, u.insecure_external_code_execution->at);
        if (!honours_option(ecosystem)) {
          b.severity(Severity::kLow).confidence(Confidence::kLow).persona(Persona::kPedantic);
        } else if (!registries) {
          b.severity(Severity::kMedium);
        }
        if (registries && u.registries_at)
          b.related(d.file, *u.registries_at, "the registries whose credentials the code can use");
        b.message("Dependabot runs the code of the " + ecosystem +
                  " manifests and their dependencies while it updates them" +
                  (registries ? ", with the credentials of the entry's private registries at hand"
                              : std::string(honours_option(ecosystem)
                                                ? ""
                                                : " (GitHub documents the option for bundler, mix and pip only)")))
            .context(context_object("ecosystem", ecosystem, "registries", registries))
            .emit(sink);
      }
    }
  }
};

}  // namespace
}  // namespace md_124

std::unique_ptr<Rule> make_md_124() {
  return std::make_unique<md_124::Md124>();
}

}  // namespace pm::engine::rules
