// The seed's post-deployment smoke tests (PRODUCT.md §8), with the official SDK
// client on a fresh machine using the embedded store: every product tool
// answers successfully, except query_fp_store, which refuses with
// CONSENT_REQUIRED until the printed `consent grant` command has been run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { makeSandbox, connectClient, serverBinary } from './lib/server.mjs';

const run = promisify(execFile);

let sandbox;
let conn;

before(async () => {
  sandbox = makeSandbox();
  mkdirSync(join(sandbox.workspace, 'docs', 'adr'), { recursive: true });
  writeFileSync(
    join(sandbox.workspace, 'docs', 'adr', 'ADR-001-workflow-permissions.md'),
    '# ADR-001: Workflow permissions\n\n**Status:** Accepted\n\n## Decision\n\n' +
      'Workflows MUST NOT use `write-all` permissions.\n',
  );
  conn = await connectClient(sandbox);
  await conn.client.listTools(); // the SDK validates every answer against its tool's outputSchema
});

after(async () => {
  await conn?.client.close();
  sandbox?.remove();
});

const call = (name, args) => conn.client.callTool({ name, arguments: args });

function assertSuccess(result, name) {
  assert.notEqual(result.isError, true, `${name}: ${result.content?.[0]?.text}`);
  assert.equal(result.structuredContent.success, true, `${name} succeeds`);
}

test('get_server_info answers on a fresh machine with the embedded store', async () => {
  const r = await call('get_server_info', {});
  assert.equal(r.structuredContent.environment, 'local');
  assert.equal(r.structuredContent.storage.fpStore.backend, 'sqlite');
});

test('analyze_dissonance succeeds', async () => {
  assertSuccess(await call('analyze_dissonance', { files: ['.github/workflows/ci.yml'], context: 'acme/web' }), 'analyze_dissonance');
});

test("validate_l0_invariants succeeds with the seed's {files, context} call", async () => {
  assertSuccess(
    await call('validate_l0_invariants', { files: ['.github/workflows/ci.yml'], context: 'smoke test' }),
    'validate_l0_invariants',
  );
});

test('check_adr_compliance succeeds', async () => {
  assertSuccess(await call('check_adr_compliance', { files: ['.github/workflows/ci.yml'] }), 'check_adr_compliance');
});

test('check_consent_requirements succeeds', async () => {
  assertSuccess(
    await call('check_consent_requirements', { orgId: 'acme', checkType: 'summary' }),
    'check_consent_requirements',
  );
});

test('query_fp_store needs consent, then answers with no data after the printed grant', async () => {
  const args = { queryType: 'fp_rate', ruleId: 'MD-101', orgId: 'acme' };
  const refused = await call('query_fp_store', args);
  assert.equal(refused.isError, true);
  const env = refused.structuredContent;
  assert.equal(env.success, false);
  assert.equal(env.code, 'CONSENT_REQUIRED');
  assert.match(env.message, /fp_metrics/);
  const command = env.message.match(/phase-mirror-mcp (consent grant --org acme --resources [a-z_,]+)/);
  assert.ok(command, `the message names the grant command: ${env.message}`);

  // Run exactly the command the refusal printed, against the same data directory.
  await run(serverBinary(), command[1].split(' '), { env: { ...process.env, ...sandbox.env } });

  const ok = await call('query_fp_store', args);
  assert.notEqual(ok.isError, true, ok.content?.[0]?.text);
  assert.equal(ok.structuredContent.success, true);
  const result = ok.structuredContent.data.result;
  assert.equal(result.totalEvents, 0);
  assert.match(result.recommendation, /insufficient data/i);
});
