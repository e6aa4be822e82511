// The MCP Inspector in CLI mode (no browser, no network: the locally installed
// package, run by node directly) talks to the real binary over stdio.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { makeSandbox, fixtureBinary, e2eDir, PRODUCT_TOOLS } from './lib/server.mjs';

const run = promisify(execFile);
const require = createRequire(join(e2eDir, 'package.json'));
const inspectorCli = join(dirname(require.resolve('@modelcontextprotocol/inspector/package.json')), 'cli', 'build', 'cli.js');

let sandbox;
before(() => {
  sandbox = makeSandbox();
});
after(() => sandbox?.remove());

// Runs `mcp-inspector --cli <binary> <args...>` and returns its stdout parsed as JSON.
async function inspector(...args) {
  const envArgs = Object.entries(sandbox.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const { stdout } = await run(process.execPath, [inspectorCli, '--cli', ...envArgs, fixtureBinary(), ...args], {
    cwd: sandbox.workspace,
    // Offline: nothing may be fetched from a registry.
    env: { ...process.env, npm_config_offline: 'true' },
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  try {
    return JSON.parse(stdout);
  } catch {
    assert.fail(`inspector stdout is not JSON: ${stdout.slice(0, 500)}`);
  }
}

test('inspector --method tools/list shows every tool with schemas and annotations', async () => {
  const out = await inspector('--method', 'tools/list');
  assert.ok(Array.isArray(out.tools));
  const names = out.tools.map((t) => t.name);
  assert.equal(names[0], 'get_server_info');
  assert.ok(names.includes('slow_operation'), 'the test build lists its fixtures');
  for (const tool of out.tools.filter((t) => PRODUCT_TOOLS.includes(t.name))) {
    assert.equal(tool.inputSchema.type, 'object', tool.name);
    assert.equal(tool.outputSchema.type, 'object', tool.name);
    assert.equal(typeof tool.title, 'string', tool.name);
    assert.equal(typeof tool.annotations, 'object', tool.name);
  }
});

test('inspector --method tools/call --tool-name get_server_info returns the server info', async () => {
  const out = await inspector('--method', 'tools/call', '--tool-name', 'get_server_info');
  assert.notEqual(out.isError, true);
  const info = out.structuredContent;
  assert.equal(info.name, 'Phase Mirror MCP Server');
  assert.equal(info.environment, 'local');
  assert.equal(info.storage.fpStore.backend, 'sqlite');
  assert.ok(info.storage.fpStore.path.startsWith(sandbox.data));
  assert.deepEqual(JSON.parse(out.content[0].text), info);
});

test('inspector tools/call with a wrongly typed --tool-arg gets INVALID_INPUT', async () => {
  const out = await inspector('--method', 'tools/call', '--tool-name', 'slow_operation', '--tool-arg', 'durationMs=soon');
  assert.equal(out.isError, true);
  assert.equal(out.structuredContent.code, 'INVALID_INPUT');
  assert.deepEqual(
    out.structuredContent.data.details.validationErrors.map((e) => e.path),
    ['/durationMs'],
  );
});
