// scan's SARIF, judged by the official validator: the SARIF Multitool of the
// npm registry with its SARIF rules and GitHub's ingestion rules (Gh, Ghas).
// Any error or warning fails; the multitool's informational notes are shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const BINARY = process.env.PM_SERVER_BINARY;
const MULTITOOL = require('@microsoft/sarif-multitool');  // the platform's executable

function write(root, rel, text) {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

// Runs the validator on a SARIF file; returns its own results (a SARIF log too).
function validate(sarifFile) {
  // npm does not run the package's install script (chmod) unless allowed.
  fs.chmodSync(MULTITOOL, 0o755);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-sarif-val-'));
  const out = path.join(dir, 'validation.sarif');
  const r = spawnSync(MULTITOOL, ['validate', '--rule-kind', 'Sarif;Gh;Ghas', '--level', 'Error;Warning;Note',
                                  '--output', out, sarifFile],
                      { encoding: 'utf8', env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' } });
  assert.equal(r.status, 0, `multitool failed: ${r.stdout}\n${r.stderr}`);
  const results = JSON.parse(fs.readFileSync(out, 'utf8')).runs[0].results ?? [];
  return results.map((x) => ({
    rule: x.ruleId,
    level: x.level ?? 'warning',
    text: `${x.ruleId} ${x.level ?? 'warning'}: ${(x.message.arguments ?? []).join(' | ')}`,
  }));
}

// A repository with a finding of every severity, an ADR violation, a path that
// needs percent-encoding, a finding suppressed by a reviewed false positive and
// one by an inline ignore comment.
function repository() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-sarif-repo-'));
  write(root, '.github/workflows/ci.yml', [
    'on: pull_request_target',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          ref: ${{ github.event.pull_request.head.sha }}',
    '      - uses: some-org/deploy@main',
    '      - uses: third-org/tool@v2  # phase-mirror: ignore[MD-105] reviewed by security',
    '      - run: echo "${{ github.event.pull_request.title }}"',
    '',
  ].join('\n'));
  write(root, 'actions/my tool/action.yml', [
    'name: tool',
    'runs:',
    '  using: composite',
    '  steps:',
    '    - uses: other-org/setup@v1',
    '',
  ].join('\n'));
  write(root, 'docs/adr/ADR-001-no-printf.md', [
    '# ADR-001: No printf', '', '**Status:** Accepted', '', '## Decision', '', 'Code MUST NOT print.', '',
    '## Compliance Checks', '', '```phase-mirror', '- severity: high', '  message: no printf',
    "  forbid: {pattern: 'printf\\(', in: 'src/**'}", '```', ''].join('\n'));
  write(root, 'src/main.c', 'int main() {\n  printf("é");\n}\n');
  return root;
}

function scan(root, dataDir, args) {
  return spawnSync(BINARY, ['scan', ...args], {
    cwd: root, encoding: 'utf8',
    env: { ...process.env, PHASE_MIRROR_DATA_DIR: dataDir, PHASE_MIRROR_WORKSPACE: '', GITHUB_REPOSITORY: '' },
  });
}

test('scan --format sarif passes the SARIF Multitool with GitHub ingestion rules', () => {
  assert.ok(BINARY, 'PM_SERVER_BINARY names the binary');
  const root = repository();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-sarif-data-'));
  const first = JSON.parse(scan(root, dataDir, ['--json']).stdout);
  const unpinned = first.findings.find((f) => f.ruleId === 'MD-105' && f.file === 'actions/my tool/action.yml');
  assert.ok(unpinned, JSON.stringify(first.findings.map((f) => `${f.ruleId} ${f.file}`)));
  execFileSync(BINARY, ['fp', 'record', '--org', 'acme', '--rule', 'MD-105', '--finding', unpinned.findingId,
                        '--outcome', 'false_positive', '--reviewed-by', 'alice', '--note', 'vendored copy'],
               { env: { ...process.env, PHASE_MIRROR_DATA_DIR: dataDir } });

  const sarifFile = path.join(root, 'results.sarif');
  // pedantic: the tag-pinned first-party action is the low finding (a note).
  const r = scan(root, dataDir, ['--format', 'sarif', '--output', sarifFile, '--repository', 'acme/app',
                                 '--persona', 'pedantic']);
  assert.equal(r.status, 1, r.stderr);
  const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8'));
  const results = sarif.runs[0].results;
  const levels = new Set(results.map((x) => x.level));
  assert.deepEqual([...levels].sort(), ['error', 'note', 'warning'], 'every level is exercised');
  assert.ok(results.some((x) => x.ruleId === 'ADR-001-C1'), 'the ADR violation is a result');
  const suppressed = results.find((x) => x.suppressions?.[0].kind === 'external');
  assert.equal(suppressed.locations[0].physicalLocation.artifactLocation.uri, 'actions/my%20tool/action.yml');
  assert.deepEqual(suppressed.suppressions, [{
    kind: 'external', status: 'accepted', justification: 'vendored copy',
    properties: { kind: 'fp-store', by: 'alice', location: `fp-store:${unpinned.findingId}` },
  }]);

  const inline = results.find((x) => x.suppressions?.[0].kind === 'inSource');
  assert.equal(inline.locations[0].physicalLocation.region.startLine, 10);
  assert.deepEqual(inline.suppressions, [{
    kind: 'inSource', status: 'accepted', justification: 'reviewed by security',
    properties: { kind: 'inline', by: '.github/workflows/ci.yml', location: '.github/workflows/ci.yml:10' },
  }]);

  const findings = validate(sarifFile);
  for (const f of findings.filter((x) => x.level === 'note')) console.log(`note: ${f.text}`);
  const problems = findings.filter((x) => x.level === 'error' || x.level === 'warning');
  assert.deepEqual(problems.map((x) => x.text), []);
});

test('the validator itself rejects what GitHub would (a result without a location)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-sarif-bad-'));
  const bad = path.join(dir, 'bad.sarif');
  fs.writeFileSync(bad, JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0',
    runs: [{ tool: { driver: { name: 'x', version: '1.0.0', rules: [] } }, results: [{ ruleId: 'A', message: { text: 'm' } }] }],
  }));
  const errors = validate(bad).filter((x) => x.level === 'error').map((x) => x.rule);
  assert.ok(errors.includes('GH1015'), errors.join(', '));
});
