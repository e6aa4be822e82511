// Deployment acceptance test of an INSTALLED phase-mirror-mcp (PRODUCT.md §8 and
// docs/DEPLOYMENT.md §5): the seed's post-deployment smoke tests, its
// error-handling list and its performance limits, run in that order through the
// binary at $PM_SERVER_BINARY with the official MCP SDK client.
//
//   PM_SERVER_BINARY=/usr/bin/phase-mirror-mcp node --test tests/e2e/installed_binary.smoke.mjs
//
// scripts/package-test.sh runs it after `apt-get install` of the .deb. The file
// name deliberately does not match `*.test.mjs`, so neither ctest nor a plain
// `node --test` of the e2e suite picks it up; without PM_SERVER_BINARY every
// test is skipped with a message saying so.
//
// The "Performance" section asserts the seed's deployment-acceptance limits
// (validate_l0 < 500 ms, consent < 200 ms, FP query < 1 s, analyze < 5 s,
// start-up < 2 s, get_server_info < 100 ms, 1 MB file < 30 s, no leak over 50
// requests). They are 10-1000x above what docs/PERFORMANCE.md measures, so they
// only fail on a broken installation; this deployment smoke test is the one
// place in the repository with timing assertions (performance is otherwise
// measured by `make bench`).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';

import { makeSandbox, RecordingTransport, PRODUCT_TOOLS } from './lib/server.mjs';

const run = promisify(execFile);
const binary = process.env.PM_SERVER_BINARY;
const skip = binary
  ? false
  : 'PM_SERVER_BINARY is not set: this smoke test runs against an installed binary, e.g. ' +
    'PM_SERVER_BINARY=/usr/bin/phase-mirror-mcp node --test tests/e2e/installed_binary.smoke.mjs';

const ORG = 'acme';
const FP_QUERY = { queryType: 'fp_rate', ruleId: 'MD-101', orgId: ORG };
const CONSENT_QUERY = { orgId: ORG, checkType: 'summary' };
const ANALYZE = { files: ['.github/workflows/ci.yml'], context: 'acme/web' };
const L0_SMOKE = { files: ['.github/workflows/ci.yml'], context: 'post-deployment smoke test' };
const ADR_CHECK = { files: ['.github/workflows/ci.yml'] };

// Credentials of AWS's documentation examples: never valid anywhere, and in the
// real key format so that the server's scrubbing is exercised.
const FAKE_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const FAKE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const FAKE_ACCOUNT = '123456789012';

// A fresh machine: nothing from the caller's environment but PATH, an empty
// HOME and XDG_DATA_HOME, so the embedded store is created at its default place.
function freshEnv(box, extra = {}) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(box.root, 'home'),
    XDG_DATA_HOME: join(box.root, 'xdg'),
    PHASE_MIRROR_WORKSPACE: box.workspace,
    ...extra,
  };
}

// Spawns the installed binary with exactly `env` and connects an SDK client.
async function connect(env, cwd) {
  const stdio = new StdioClientTransport({ command: binary, args: [], env, cwd, stderr: 'pipe' });
  const stderr = { text: '' };
  stdio.stderr.on('data', (chunk) => {
    stderr.text += chunk.toString('utf8');
  });
  const transport = new RecordingTransport(stdio);
  const client = new Client({ name: 'pm-installed-smoke', version: '1.0.0' });
  const started = performance.now();
  await client.connect(transport);
  const startupMs = performance.now() - started;
  await client.listTools(); // the SDK then validates each result against the tool's outputSchema
  return { client, transport, stderr, startupMs };
}

async function timed(fn) {
  const started = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - started };
}

function assertSuccess(result, name) {
  assert.notEqual(result.isError, true, `${name}: ${result.content?.[0]?.text}`);
  assert.equal(result.structuredContent.success, true, `${name} succeeds`);
}

// Asserts a failed call's envelope and returns it.
function assertFailure(result, code) {
  assert.equal(result.isError, true, result.content?.[0]?.text);
  const env = result.structuredContent;
  assert.equal(env.success, false);
  assert.equal(env.isError, true, 'envelope isError agrees with the MCP result');
  assert.equal(env.code, code, env.message);
  assert.equal(env.data.error, env.message);
  assert.equal(typeof env.data.requestId, 'string');
  assert.equal(typeof env.data.retryable, 'boolean');
  assert.ok(Array.isArray(env.data.suggestions), 'suggestions');
  assert.ok(!/\n\s+at /.test(JSON.stringify(result)), 'no stack trace');
  return env;
}

function rssKiB(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  assert.ok(m, `VmRSS of ${pid}`);
  return Number(m[1]);
}

function writeWorkspaceFiles(box) {
  mkdirSync(join(box.workspace, 'docs', 'adr'), { recursive: true });
  writeFileSync(
    join(box.workspace, 'docs', 'adr', 'ADR-001-workflow-permissions.md'),
    '# ADR-001: Workflow permissions\n\n**Status:** Accepted\n\n## Decision\n\n' +
      'Workflows MUST NOT use `write-all` permissions.\n',
  );
  // A workflow of at least 1 MiB: many jobs with many plain steps.
  let yaml = 'name: large\non: [push]\npermissions:\n  contents: read\njobs:\n';
  for (let j = 0; Buffer.byteLength(yaml) < 1024 * 1024; ++j) {
    yaml += `  job_${j}:\n    runs-on: ubuntu-latest\n    steps:\n`;
    for (let s = 0; s < 100; ++s) yaml += `      - name: step ${s} of job ${j}\n        run: echo "job ${j} step ${s}"\n`;
  }
  writeFileSync(join(box.workspace, '.github', 'workflows', 'large.yml'), yaml);
}

describe('installed binary: seed smoke tests', { skip }, () => {
  let box;
  let env;
  let conn;
  const call = (name, args) => conn.client.callTool({ name, arguments: args });

  before(async () => {
    box = makeSandbox();
    writeWorkspaceFiles(box);
    env = freshEnv(box);
    conn = await connect(env, box.workspace);
  });

  after(async () => {
    await conn?.client.close();
    box?.remove();
  });

  describe('Post-Deployment Validation', () => {
    test('initialize: server identity and the latest protocol version', async () => {
      const info = conn.client.getServerVersion();
      assert.equal(info.name, 'phase-mirror-mcp');
      const { stdout } = await run(binary, ['--version']);
      assert.equal(stdout.trim(), `phase-mirror-mcp ${info.version}`, '--version agrees with initialize');
      const init = conn.transport.sent.find((m) => m.method === 'initialize');
      const answer = conn.transport.received.find((m) => m.id === init.id);
      assert.equal(answer.result.protocolVersion, LATEST_PROTOCOL_VERSION);
      assert.ok(conn.client.getServerCapabilities().tools, 'tools capability');
      assert.match(conn.stderr.text, /Phase Mirror MCP Server running on stdio/);
    });

    test('tools/list: exactly the six tools, in order', async () => {
      const { tools } = await conn.client.listTools();
      assert.deepEqual(
        tools.map((t) => t.name),
        PRODUCT_TOOLS,
      );
    });

    test('get_server_info: local environment, embedded store at its default place', async () => {
      const r = await call('get_server_info', {});
      assert.notEqual(r.isError, true);
      const info = r.structuredContent;
      assert.equal(info.environment, 'local');
      assert.equal(info.storage.fpStore.backend, 'sqlite');
      assert.equal(info.storage.consentStore.backend, 'sqlite');
      assert.equal(info.storage.fpStore.path, join(box.root, 'xdg', 'phase-mirror', 'phase-mirror.db'));
    });

    test('analyze_dissonance: succeeds and passes a clean workflow', async () => {
      const r = await call('analyze_dissonance', ANALYZE);
      assertSuccess(r, 'analyze_dissonance');
      assert.equal(r.structuredContent.decision, 'pass');
      assert.equal(r.structuredContent.data.analysis.filesAnalyzed, 1);
    });

    test("validate_l0_invariants: succeeds with the seed's {files, context} call", async () => {
      const r = await call('validate_l0_invariants', L0_SMOKE);
      assertSuccess(r, 'validate_l0_invariants');
    });

    test('check_adr_compliance: succeeds', async () => {
      assertSuccess(await call('check_adr_compliance', ADR_CHECK), 'check_adr_compliance');
    });

    test('check_consent_requirements: succeeds', async () => {
      assertSuccess(await call('check_consent_requirements', CONSENT_QUERY), 'check_consent_requirements');
    });

    test('query_fp_store: CONSENT_REQUIRED naming fp_metrics and the grant command; after it, no data', async () => {
      const env1 = assertFailure(await call('query_fp_store', FP_QUERY), 'CONSENT_REQUIRED');
      assert.match(env1.message, /fp_metrics/);
      const command = `phase-mirror-mcp consent grant --org ${ORG} --resources fp_metrics`;
      assert.ok(env1.message.includes(command), env1.message);
      assert.equal(env1.data.details.grantCommand, command);

      // Run exactly the printed command: `phase-mirror-mcp` resolved on PATH to the installed binary.
      const [cmd, ...args] = command.split(' ');
      const withBinary = { ...env, PATH: `${dirname(binary)}:${env.PATH}` };
      await run(cmd, args, { env: withBinary, cwd: box.workspace });

      const ok = await call('query_fp_store', FP_QUERY);
      assertSuccess(ok, 'query_fp_store after the grant');
      const result = ok.structuredContent.data.result;
      assert.equal(result.totalEvents, 0);
      assert.match(result.recommendation, /insufficient data/i);
    });
  });

  describe('Error Handling', () => {
    test('invalid tool name: JSON-RPC error -32602 naming the tool; the server keeps serving', async () => {
      await assert.rejects(call('no_such_tool', {}), (err) => {
        assert.equal(err.code, -32602);
        assert.match(err.message, /Unknown tool: no_such_tool/);
        return true;
      });
      await conn.client.ping();
    });

    test('missing parameters: INVALID_INPUT naming the required field', async () => {
      const env1 = assertFailure(await call('analyze_dissonance', {}), 'INVALID_INPUT');
      assert.match(env1.message, /\/files/);
      assert.deepEqual(env1.data.details.validationErrors, [{ path: '/files', message: 'Required', keyword: 'required' }]);

      const env2 = assertFailure(await call('query_fp_store', {}), 'INVALID_INPUT');
      assert.deepEqual(
        env2.data.details.validationErrors.map((e) => [e.path, e.keyword]),
        [
          ['/queryType', 'required'],
          ['/orgId', 'required'],
        ],
      );
    });

    test('missing parameters: validate_l0_invariants {} is MISSING_PARAMETER naming what each invariant needs', async () => {
      const env1 = assertFailure(await call('validate_l0_invariants', {}), 'MISSING_PARAMETER');
      for (const input of ['schemaFile', 'workflowFiles', 'driftCheck', 'nonceValidation', 'contractionCheck']) {
        assert.ok(env1.message.includes(input), `${input} named in: ${env1.message}`);
      }
    });

    test('wrong types: INVALID_INPUT naming the field and the expected type', async () => {
      const env1 = assertFailure(await call('analyze_dissonance', { files: 'ci.yml' }), 'INVALID_INPUT');
      assert.deepEqual(env1.data.details.validationErrors, [
        { path: '/files', message: 'Expected array, received string', keyword: 'type' },
      ]);
      const env2 = assertFailure(
        await call('check_consent_requirements', { orgId: 42, checkType: 'summary' }),
        'INVALID_INPUT',
      );
      assert.deepEqual(env2.data.details.validationErrors, [
        { path: '/orgId', message: 'Expected string, received integer', keyword: 'type' },
      ]);
    });

    test('file not found: FILE_NOT_FOUND with the path as given', async () => {
      const env1 = assertFailure(await call('analyze_dissonance', { files: ['missing.yml'] }), 'FILE_NOT_FOUND');
      assert.equal(env1.message, 'File not found: missing.yml');
      assert.equal(env1.data.details.path, 'missing.yml');

      // One missing file among readable ones: the call succeeds, lists it, and is never a pass.
      const r = await call('analyze_dissonance', { files: ['missing.yml', '.github/workflows/ci.yml'] });
      assertSuccess(r, 'analyze_dissonance with one missing file');
      assert.equal(r.structuredContent.decision, 'warn');
      assert.deepEqual(
        r.structuredContent.data.analysis.fileErrors.map((e) => [e.path, e.code]),
        [['missing.yml', 'FILE_NOT_FOUND']],
      );
    });

    describe('AWS errors (DynamoDB and SSM configured, loopback endpoints)', () => {
      let aws;
      let closedPort;
      const requests = [];

      before(async () => {
        // An endpoint that answers like AWS refusing the caller: DynamoDB
        // AccessDeniedException quoting ARNs, the account and the key id;
        // SSM ParameterNotFound.
        aws = createServer((req, res) => {
          let body = '';
          req.on('data', (c) => (body += c));
          req.on('end', () => {
            const target = String(req.headers['x-amz-target'] ?? '');
            requests.push({ target, authorization: String(req.headers.authorization ?? '') });
            res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
            if (target.startsWith('AmazonSSM.')) {
              res.end(JSON.stringify({ __type: 'ParameterNotFound', message: '' }));
            } else {
              res.end(
                JSON.stringify({
                  __type: 'com.amazon.coral.service#AccessDeniedException',
                  message:
                    `User: arn:aws:iam::${FAKE_ACCOUNT}:user/ci-bot is not authorized to perform: dynamodb:Query ` +
                    `on resource: arn:aws:dynamodb:us-east-1:${FAKE_ACCOUNT}:table/pm-consent (key ${FAKE_KEY_ID})`,
                }),
              );
            }
          });
        });
        await new Promise((resolve) => aws.listen(0, '127.0.0.1', resolve));
        // A loopback port with nothing listening.
        const probe = createServer();
        await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
        closedPort = probe.address().port;
        await new Promise((resolve) => probe.close(resolve));
      });

      after(() => new Promise((resolve) => aws.close(resolve)));

      function cloudEnv(extra) {
        return freshEnv(box, {
          FP_TABLE_NAME: 'pm-fp-events',
          CONSENT_TABLE_NAME: 'pm-consent',
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: FAKE_KEY_ID,
          AWS_SECRET_ACCESS_KEY: FAKE_SECRET,
          AWS_EC2_METADATA_DISABLED: 'true',
          PHASE_MIRROR_AWS_BACKOFF_BASE_MS: '1',
          ...extra,
        });
      }

      function assertNoSecrets(result) {
        const text = JSON.stringify(result);
        for (const secret of [FAKE_SECRET, FAKE_KEY_ID, FAKE_ACCOUNT, 'arn:aws:']) {
          assert.ok(!text.includes(secret), `the answer does not contain ${secret}`);
        }
      }

      test('DynamoDB unreachable: STORE_UNAVAILABLE, retryable, after 3 attempts; consent fails closed', async () => {
        const c = await connect(cloudEnv({ AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${closedPort}` }), box.workspace);
        try {
          const info = (await c.client.callTool({ name: 'get_server_info', arguments: {} })).structuredContent;
          assert.equal(info.environment, 'cloud', 'both table variables set');
          for (const [name, args] of [
            ['query_fp_store', FP_QUERY],
            ['check_consent_requirements', CONSENT_QUERY],
          ]) {
            const r = await c.client.callTool({ name, arguments: args });
            const e = assertFailure(r, 'STORE_UNAVAILABLE');
            assert.equal(e.data.retryable, true, name);
            assert.equal(e.data.details.service, 'DynamoDB', name);
            assert.equal(e.data.details.reason, 'unavailable', name);
            assert.equal(e.data.details.attempts, 3, name);
            assertNoSecrets(r);
          }
          await c.client.ping();
        } finally {
          await c.client.close();
        }
      });

      test('DynamoDB access denied: STORE_UNAVAILABLE, not retryable, AWS message scrubbed', async () => {
        const before = requests.length;
        const c = await connect(cloudEnv({ AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${aws.address().port}` }), box.workspace);
        try {
          const r = await c.client.callTool({ name: 'query_fp_store', arguments: FP_QUERY });
          const e = assertFailure(r, 'STORE_UNAVAILABLE');
          assert.equal(e.data.retryable, false);
          assert.equal(e.data.details.reason, 'access_denied');
          assert.equal(e.data.details.awsErrorType, 'AccessDeniedException');
          assert.equal(e.data.details.attempts, 1, 'access denied is not retried');
          assert.match(e.message, /DynamoDB Query was denied/);
          assert.match(e.message, /<arn>/, 'ARNs replaced');
          assertNoSecrets(r);
          assert.ok(!c.stderr.text.includes(FAKE_SECRET), 'the secret is not logged');
        } finally {
          await c.client.close();
        }
        const signed = requests.slice(before).filter((q) => q.target.startsWith('DynamoDB_20120810.'));
        assert.ok(signed.length > 0, 'the server called DynamoDB');
        assert.match(signed[0].authorization, /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\//, 'SigV4-signed');
      });

      test('SSM nonce parameter missing: STORE_UNAVAILABLE naming the parameter and `nonce rotate`', async () => {
        const port = aws.address().port;
        const c = await connect(
          cloudEnv({
            NONCE_PARAMETER_NAME: '/pm/nonce',
            AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${port}`,
            AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
          }),
          box.workspace,
        );
        try {
          const r = await c.client.callTool({ name: 'check_consent_requirements', arguments: CONSENT_QUERY });
          const e = assertFailure(r, 'STORE_UNAVAILABLE');
          assert.equal(e.data.retryable, false);
          assert.equal(e.data.details.service, 'SSM');
          assert.equal(e.data.details.reason, 'not_found');
          assert.match(e.message, /SSM parameter \/pm\/nonce-org-salt does not exist/);
          assert.ok(e.data.suggestions.some((s) => s.includes('phase-mirror-mcp nonce rotate')), e.data.suggestions);
          assertNoSecrets(r);
        } finally {
          await c.client.close();
        }
      });
    });
  });

  describe('Performance (the seed deployment limits)', () => {
    test('start-up to the initialize answer < 2 s', async (t) => {
      const c = await connect(freshEnv(box), box.workspace);
      await c.client.close();
      t.diagnostic(`start-up: ${c.startupMs.toFixed(1)} ms`);
      assert.ok(c.startupMs < 2000, `start-up ${c.startupMs.toFixed(1)} ms`);
    });

    for (const [name, args, limitMs] of [
      ['get_server_info', {}, 100],
      ['validate_l0_invariants', L0_SMOKE, 500],
      ['check_consent_requirements', CONSENT_QUERY, 200],
      ['query_fp_store', FP_QUERY, 1000],
      ['analyze_dissonance', ANALYZE, 5000],
    ]) {
      test(`${name} < ${limitMs} ms`, async (t) => {
        const { result, ms } = await timed(() => call(name, args));
        t.diagnostic(`${name}: ${ms.toFixed(1)} ms`);
        assert.notEqual(result.isError, true, result.content?.[0]?.text);
        assert.ok(ms < limitMs, `${name}: ${ms.toFixed(1)} ms`);
      });
    }

    test('a 1 MiB workflow is analysed < 30 s', async (t) => {
      const file = '.github/workflows/large.yml';
      assert.ok(statSync(join(box.workspace, file)).size >= 1024 * 1024);
      const { result, ms } = await timed(() => call('analyze_dissonance', { files: [file], context: 'acme/web' }));
      assertSuccess(result, 'analyze_dissonance of 1 MiB');
      t.diagnostic(`1 MiB workflow: ${ms.toFixed(1)} ms`);
      assert.equal(result.structuredContent.data.analysis.files[0].path, file);
      assert.ok(ms < 30_000, `1 MiB analysed in ${ms.toFixed(1)} ms`);
    });

    test('no leak over 50 requests: server RSS grows by less than 4 MiB', async (t) => {
      const pid = conn.transport.pid;
      assert.ok(pid > 0, 'server pid');
      const mix = [
        ['get_server_info', {}],
        ['analyze_dissonance', ANALYZE],
        ['validate_l0_invariants', L0_SMOKE],
        ['check_adr_compliance', ADR_CHECK],
        ['query_fp_store', FP_QUERY],
        ['check_consent_requirements', CONSENT_QUERY],
        ['analyze_dissonance', { files: ['missing.yml'] }],
      ];
      for (let i = 0; i < 20; ++i) await call(...mix[i % mix.length]); // warm-up (caches, allocator pools)
      const before = rssKiB(pid);
      for (let i = 0; i < 50; ++i) {
        const r = await call(...mix[i % mix.length]);
        assert.ok(r.structuredContent, `request ${i} answered`);
      }
      const after = rssKiB(pid);
      t.diagnostic(`server RSS: ${before} kB before, ${after} kB after 50 requests`);
      assert.ok(after - before < 4096, `RSS ${before} kB -> ${after} kB over 50 requests`);
    });
  });
});
