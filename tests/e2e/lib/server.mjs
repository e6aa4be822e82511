// Shared helpers for the end-to-end tests: where the binary is, a throw-away
// workspace and data directory per test file, and an MCP SDK client connected
// to the real server over stdio through a transport that records every message.
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const here = dirname(fileURLToPath(import.meta.url));
export const e2eDir = resolve(here, '..');
export const sourceDir = process.env.PM_SOURCE_DIR ?? resolve(e2eDir, '..', '..');

// ctest passes PM_SERVER_BINARY; by hand, the Release build is the default.
export function serverBinary() {
  const bin = process.env.PM_SERVER_BINARY ?? join(sourceDir, 'build', 'release', 'phase-mirror-mcp');
  if (!existsSync(bin)) throw new Error(`server binary not found: ${bin} (build it or set PM_SERVER_BINARY)`);
  return bin;
}

// The test build with the fixtures (slow_operation, the conformance surface): ctest passes
// PM_FIXTURE_BINARY; by hand, the Release build's.
export function fixtureBinary() {
  const bin = process.env.PM_FIXTURE_BINARY ?? join(sourceDir, 'build', 'release', 'phase-mirror-mcp-fixtures');
  if (!existsSync(bin)) throw new Error(`fixture binary not found: ${bin} (build it or set PM_FIXTURE_BINARY)`);
  return bin;
}

// A temporary workspace (with one workflow) and data directory; remove() deletes both.
export function makeSandbox() {
  const root = mkdtempSync(join(tmpdir(), 'pm-e2e-'));
  const workspace = join(root, 'workspace');
  const data = join(root, 'data');
  mkdirSync(join(workspace, '.github', 'workflows'), { recursive: true });
  mkdirSync(data, { recursive: true });
  writeFileSync(
    join(workspace, '.github', 'workflows', 'ci.yml'),
    'name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n' +
      '    steps:\n      - run: echo ok\n',
  );
  return {
    root,
    workspace,
    data,
    env: {
      PHASE_MIRROR_DATA_DIR: data,
      PHASE_MIRROR_WORKSPACE: workspace,
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

// Wraps a transport and keeps a copy of every message in both directions, so a
// test can assert on the wire (negotiated version, responses that must not exist).
export class RecordingTransport {
  constructor(inner) {
    this.inner = inner;
    this.sent = [];
    this.received = [];
    inner.onmessage = (msg, extra) => {
      this.received.push(msg);
      this.onmessage?.(msg, extra);
    };
    inner.onclose = () => this.onclose?.();
    inner.onerror = (err) => this.onerror?.(err);
  }
  start() {
    return this.inner.start();
  }
  send(msg, options) {
    this.sent.push(msg);
    return this.inner.send(msg, options);
  }
  close() {
    return this.inner.close();
  }
  get pid() {
    return this.inner.pid;
  }
}

// Spawns the test build of the server (fixtures included) and connects an SDK client. Returns the client, the
// recording transport, the collected stderr text and the errors the SDK reported.
export async function connectClient(sandbox, { name = 'pm-e2e', capabilities = {} } = {}) {
  const stdio = new StdioClientTransport({
    command: fixtureBinary(),
    args: [],
    env: { ...process.env, ...sandbox.env },
    cwd: sandbox.workspace,
    stderr: 'pipe',
  });
  const stderr = { text: '' };
  stdio.stderr.on('data', (chunk) => {
    stderr.text += chunk.toString('utf8');
  });
  const transport = new RecordingTransport(stdio);
  const client = new Client({ name, version: '1.0.0' }, { capabilities });
  const sdkErrors = [];
  client.onerror = (err) => sdkErrors.push(err);
  await client.connect(transport);
  return { client, transport, stderr, sdkErrors };
}

export const PRODUCT_TOOLS = [
  'get_server_info',
  'analyze_dissonance',
  'validate_l0_invariants',
  'check_adr_compliance',
  'query_fp_store',
  'check_consent_requirements',
];

// Starts the test build as `serve --http 127.0.0.1:0` and waits for its banner. Returns the endpoint URL, the
// child process, its stderr so far, and stop(), which sends SIGTERM and resolves with the
// exit code.
export async function startHttpServer(sandbox, extraArgs = []) {
  const { spawn } = await import('node:child_process');
  const proc = spawn(fixtureBinary(), ['serve', '--http', '127.0.0.1:0', ...extraArgs], {
    env: { ...process.env, ...sandbox.env },
    cwd: sandbox.workspace,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = { text: '' };
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening banner: ${stderr.text}`)), 10000);
    proc.stderr.on('data', (chunk) => {
      stderr.text += chunk.toString('utf8');
      const m = /listening on (http:\/\/\S+\/mcp)/.exec(stderr.text);
      if (m) {
        clearTimeout(timer);
        resolveUrl(new URL(m[1]));
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited (${code}): ${stderr.text}`)));
  });
  const exited = new Promise((r) => proc.on('exit', (code) => r(code)));
  return {
    url,
    proc,
    stderr,
    stop() {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}
