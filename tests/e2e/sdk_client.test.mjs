// The official MCP TypeScript SDK client drives the real binary over stdio:
// what Claude Desktop, VS Code and other SDK-based clients will see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { McpError, ErrorCode, EmptyResultSchema, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';

import { makeSandbox, connectClient, PRODUCT_TOOLS } from './lib/server.mjs';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

let sandbox;
let conn;

before(async () => {
  sandbox = makeSandbox();
  conn = await connectClient(sandbox);
});

after(async () => {
  await conn?.client.close();
  sandbox?.remove();
});

const initializeAnswer = () =>
  conn.transport.received.find((m) => m.id === conn.transport.sent.find((s) => s.method === 'initialize').id);

test('initialize: server identity, negotiated version and capabilities', () => {
  const info = conn.client.getServerVersion();
  assert.equal(info.name, 'phase-mirror-mcp');
  assert.match(info.version, /^\d+\.\d+\.\d+/);

  const sentInit = conn.transport.sent.find((m) => m.method === 'initialize');
  assert.equal(sentInit.params.protocolVersion, LATEST_PROTOCOL_VERSION);
  const answer = initializeAnswer();
  assert.ok(answer?.result, 'initialize answered with a result');
  assert.equal(answer.result.protocolVersion, LATEST_PROTOCOL_VERSION, 'the requested (latest) version is echoed');

  const caps = conn.client.getServerCapabilities();
  assert.ok(caps.tools, 'tools capability declared');
  assert.ok(caps.logging, 'logging capability declared');
  assert.deepEqual(caps.resources, { subscribe: false, listChanged: false }, 'resources without subscriptions');
  assert.deepEqual(caps.prompts, { listChanged: false });
  assert.deepEqual(caps.completions, {});
});

test('tools/list: every tool is well-formed for strict clients', async () => {
  const { tools } = await conn.client.listTools();
  assert.ok(tools.length >= 1);
  const names = new Set();
  // The conformance suite's fixtures (test_*, json_schema_*) answer with plain content blocks
  // and declare no outputSchema, as that suite expects.
  for (const tool of tools.filter((t) => !/^(test_|json_schema_)/.test(t.name))) {
    assert.match(tool.name, TOOL_NAME, `${tool.name}: name usable by every model API`);
    assert.ok(!names.has(tool.name), `${tool.name}: unique`);
    names.add(tool.name);
    assert.equal(typeof tool.title, 'string', `${tool.name}: title`);
    assert.ok(tool.title.length > 0, `${tool.name}: non-empty title`);
    assert.equal(typeof tool.description, 'string', `${tool.name}: description`);
    assert.equal(tool.inputSchema?.type, 'object', `${tool.name}: object-rooted inputSchema`);
    assert.equal(tool.inputSchema.$ref, undefined, `${tool.name}: no $ref`);
    assert.equal(tool.inputSchema.oneOf, undefined, `${tool.name}: no top-level oneOf`);
    assert.equal(tool.outputSchema?.type, 'object', `${tool.name}: object-rooted outputSchema`);
    assert.equal(typeof tool.annotations, 'object', `${tool.name}: annotations`);
    assert.equal(typeof tool.annotations.readOnlyHint, 'boolean', `${tool.name}: readOnlyHint stated`);
  }
  assert.equal(tools[0].name, 'get_server_info', 'get_server_info comes first');
  assert.ok(names.has('slow_operation'), 'the test build lists its fixtures');
});

test('tools/call get_server_info: structuredContent passes the SDK output-schema check', async () => {
  await conn.client.listTools(); // makes the SDK cache and enforce each outputSchema
  const result = await conn.client.callTool({ name: 'get_server_info', arguments: {} });
  assert.notEqual(result.isError, true);
  const info = result.structuredContent;
  assert.equal(info.name, 'Phase Mirror MCP Server');
  assert.match(info.version, /^\d+\.\d+\.\d+/);
  assert.equal(info.environment, 'local');
  assert.equal(info.config.awsRegion, process.env.AWS_REGION ?? 'us-east-1');
  assert.equal(typeof info.governanceTiers, 'object');
  assert.ok(info.protocolVersions.includes('2025-11-25'));
  assert.ok(info.protocolVersions.includes('2024-11-05'));
  assert.equal(info.storage.fpStore.backend, 'sqlite');
  assert.ok(info.storage.fpStore.path.startsWith(sandbox.data), 'the store lives in PHASE_MIRROR_DATA_DIR');
  assert.equal(typeof info.metrics, 'object');

  assert.equal(result.content.length, 1);
  assert.equal(result.content[0].type, 'text');
  assert.deepEqual(JSON.parse(result.content[0].text), info, 'the text block carries the same JSON');
  assert.match(result.content[0].text, /^\{\n  "/, '2-space indented');
});

test('a call whose arguments fail the schema is a tool error with JSON pointers', async () => {
  await conn.client.listTools();
  const result = await conn.client.callTool({ name: 'slow_operation', arguments: { durationMs: 'soon' } });
  assert.equal(result.isError, true);
  const env = result.structuredContent;
  assert.equal(env.success, false);
  assert.equal(env.code, 'INVALID_INPUT');
  assert.equal(env.isError, true);
  const errors = env.data.details.validationErrors;
  assert.ok(Array.isArray(errors) && errors.length >= 1);
  const bad = errors.find((e) => e.path === '/durationMs');
  assert.ok(bad, `an entry for /durationMs in ${JSON.stringify(errors)}`);
  assert.equal(bad.keyword, 'type');
  assert.equal(typeof bad.message, 'string');

  const missing = await conn.client.callTool({ name: 'slow_operation', arguments: {} });
  assert.equal(missing.isError, true);
  assert.equal(missing.structuredContent.code, 'INVALID_INPUT');
  assert.ok(missing.structuredContent.data.details.validationErrors.some((e) => e.keyword === 'required'));
});

test('an unknown tool is a JSON-RPC -32602 error', async () => {
  await assert.rejects(
    conn.client.callTool({ name: 'no_such_tool', arguments: {} }),
    (err) => {
      assert.ok(err instanceof McpError, `McpError expected, got ${err}`);
      assert.equal(err.code, ErrorCode.InvalidParams);
      return true;
    },
  );
});

test('a cancelled call rejects, gets no response, and the server keeps serving', async () => {
  const controller = new AbortController();
  const pending = conn.client.callTool({ name: 'slow_operation', arguments: { durationMs: 5000 } }, undefined, {
    signal: controller.signal,
  });
  // Let the call reach the server before cancelling it.
  await new Promise((r) => setTimeout(r, 150));
  const callId = conn.transport.sent.filter((m) => m.method === 'tools/call').at(-1).id;
  controller.abort('user gave up');
  await assert.rejects(pending);

  const cancelNote = conn.transport.sent.find(
    (m) => m.method === 'notifications/cancelled' && m.params.requestId === callId,
  );
  assert.ok(cancelNote, 'the SDK sent notifications/cancelled for the call');

  const next = await conn.client.callTool({ name: 'get_server_info', arguments: {} });
  assert.equal(next.structuredContent.name, 'Phase Mirror MCP Server', 'server alive after the cancel');
  // Long enough for the 10 ms steps of the fixture to notice and finish.
  await new Promise((r) => setTimeout(r, 300));
  const answered = conn.transport.received.filter((m) => m.id === callId && ('result' in m || 'error' in m));
  assert.deepEqual(answered, [], 'no response for the cancelled request id');
  assert.ok(
    !conn.sdkErrors.some((e) => /unknown message ID/i.test(String(e.message))),
    'the SDK saw no response for an unknown id',
  );
});

test('ping and other calls are served while a slow call runs', async () => {
  let slowDone = false;
  const slow = conn.client
    .callTool({ name: 'slow_operation', arguments: { durationMs: 2000 } })
    .then((r) => {
      slowDone = true;
      return r;
    });
  await new Promise((r) => setTimeout(r, 100));
  await conn.client.ping();
  assert.equal(slowDone, false, 'ping answered while the slow call is still running');
  const info = await conn.client.callTool({ name: 'get_server_info', arguments: {} });
  assert.equal(info.structuredContent.name, 'Phase Mirror MCP Server');
  assert.equal(slowDone, false, 'get_server_info completed before the slow call');
  const result = await slow;
  assert.notEqual(result.isError, true);
  assert.equal(result.structuredContent.success, true);
  assert.equal(result.structuredContent.data.sleptMs, 2000);
});

test('progress notifications reach onprogress with strictly increasing values', async () => {
  const seen = [];
  const result = await conn.client.callTool({ name: 'slow_operation', arguments: { durationMs: 300 } }, undefined, {
    onprogress: (p) => seen.push(p),
  });
  assert.equal(result.structuredContent.success, true);
  assert.ok(seen.length >= 3, `several progress notifications, got ${seen.length}`);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i].progress > seen[i - 1].progress, `progress increases: ${JSON.stringify(seen)}`);
  }
  assert.ok(seen.every((p) => p.total === 300));
  assert.ok(seen.at(-1).progress <= 300);
});

test('logging/setLevel is accepted for every RFC 5424 level', async () => {
  for (const level of ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']) {
    const result = await conn.client.setLoggingLevel(level);
    assert.deepEqual(result, {}, `setLevel ${level}`);
  }
  await assert.rejects(conn.client.request({ method: 'logging/setLevel', params: { level: 'loud' } }, EmptyResultSchema), (err) => {
    assert.equal(err.code, ErrorCode.InvalidParams);
    return true;
  });
});

test('nothing but JSON-RPC reached the client on stdout', () => {
  for (const m of conn.transport.received) assert.equal(m.jsonrpc, '2.0');
  assert.match(conn.stderr.text, /Phase Mirror MCP Server running on stdio/);
});

// Typical arguments per product tool, against the sandbox workspace.
const SAMPLE_ARGS = {
  get_server_info: {},
  analyze_dissonance: { files: ['.github/workflows/ci.yml'], mode: 'pull_request' },
  validate_l0_invariants: {
    driftCheck: { currentMetric: { name: 'fp_rate', value: 0.12 }, baselineMetric: { name: 'fp_rate', value: 0.1 } },
  },
  check_adr_compliance: { files: ['.github/workflows/ci.yml'] },
  query_fp_store: { queryType: 'fp_rate', ruleId: 'MD-101', orgId: 'e2e-org' },
  check_consent_requirements: { orgId: 'e2e-org', checkType: 'summary' },
};

// Success and error answers of every registered product tool must satisfy the
// outputSchema the tool advertises: the SDK rejects the call otherwise.
test('answers of every registered product tool pass the SDK output-schema check', async (t) => {
  const { tools } = await conn.client.listTools();
  const listed = new Set(tools.map((x) => x.name));
  for (const name of PRODUCT_TOOLS) {
    if (!listed.has(name)) {
      t.diagnostic(`${name} not registered in this build`);
      continue;
    }
    for (const args of [SAMPLE_ARGS[name], { files: ['does/not/exist.yml'] }, { files: 42 }]) {
      const result = await conn.client.callTool({ name, arguments: args });
      assert.equal(typeof result.structuredContent, 'object', `${name}(${JSON.stringify(args)}): structuredContent`);
      assert.equal(result.content[0].type, 'text');
      assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
      if (name !== 'get_server_info') {
        const env = result.structuredContent;
        assert.equal(typeof env.success, 'boolean', `${name}: enveloped`);
        assert.equal(env.isError === true, result.isError === true, `${name}: envelope and MCP isError agree`);
        assert.match(env.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
    }
  }
});

// Last: the complete product surface. Fails until every product tool is registered.
test('tools/list lists the six product tools in order, fixtures after them', async () => {
  const { tools } = await conn.client.listTools();
  const names = tools.map((t) => t.name);
  assert.deepEqual(names.slice(0, PRODUCT_TOOLS.length), PRODUCT_TOOLS);
  const fixtures = names.slice(PRODUCT_TOOLS.length);
  assert.ok(fixtures.includes('dummy_experimental') && fixtures.includes('slow_operation'), String(fixtures));
  assert.ok(fixtures.every((n) => !PRODUCT_TOOLS.includes(n)), 'fixtures come after the product tools');
  for (const t of tools.filter((t) => PRODUCT_TOOLS.includes(t.name) && t.name !== 'get_server_info')) {
    assert.equal(t.annotations.readOnlyHint, true, `${t.name}: analysis tools are read-only`);
  }
});

test('prompts, resources and completions pass the SDK result schemas', async () => {
  const { prompts } = await conn.client.listPrompts();
  assert.deepEqual(
    prompts.filter((p) => !p.name.startsWith('test_')).map((p) => p.name),
    ['review_workflow_change', 'explain_finding'],
  );
  const review = await conn.client.getPrompt({
    name: 'review_workflow_change',
    arguments: { path: '.github/workflows/ci.yml' },
  });
  assert.equal(review.messages[1].content.type, 'resource');
  assert.match(review.messages[1].content.resource.text, /^name: ci\n/);

  const { resources } = await conn.client.listResources();
  const uris = resources.map((r) => r.uri);
  assert.equal(uris[0], 'phase-mirror://policy');
  assert.ok(uris.includes('phase-mirror://rules/MD-104'), String(uris));
  const { resourceTemplates } = await conn.client.listResourceTemplates();
  assert.deepEqual(
    resourceTemplates.map((t) => t.uriTemplate).filter((u) => u.startsWith('phase-mirror://')),
    ['phase-mirror://rules/{id}', 'phase-mirror://adr/{id}'],
  );
  const rule = await conn.client.readResource({ uri: 'phase-mirror://rules/MD-104' });
  assert.match(rule.contents[0].text, /^# MD-104: /);
  const policy = await conn.client.readResource({ uri: 'phase-mirror://policy' });
  assert.equal(JSON.parse(policy.contents[0].text).source, null, 'no policy file in the sandbox: the defaults');
  await assert.rejects(
    conn.client.readResource({ uri: 'phase-mirror://adr/ADR-001' }),
    (e) => e instanceof McpError && e.code === -32002,
  );

  const done = await conn.client.complete({
    ref: { type: 'ref/prompt', name: 'explain_finding' },
    argument: { name: 'ruleId', value: 'MD-00' },
  });
  assert.deepEqual(done.completion.values, ['MD-001', 'MD-002', 'MD-003', 'MD-004', 'MD-005']);
  const paths = await conn.client.complete({
    ref: { type: 'ref/prompt', name: 'review_workflow_change' },
    argument: { name: 'path', value: '' },
  });
  assert.deepEqual(paths.completion.values, ['.github/workflows/ci.yml']);
});
