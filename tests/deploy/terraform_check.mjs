// Static check of a Terraform directory without the terraform binary: every
// .tf file must parse as HCL, every reference must name something declared in
// the directory, every variable and local must be used, and every resource or
// data type must belong to a provider listed in required_providers (and every
// listed provider must be used). Provider schemas (attribute names, types) are
// not known here: `terraform validate` remains the check for those.
//
//   node terraform_check.mjs DIR     exits 1 and names each problem with its file
import fs from 'node:fs';
import path from 'node:path';
import {parse, getReferencesInExpression} from '@cdktf/hcl2json';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: terraform_check.mjs DIR');
  process.exit(2);
}
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort();
if (files.length === 0) {
  console.error(`terraform: no .tf file in ${dir}`);
  process.exit(1);
}

const problems = [];
const decl = {variable: new Map(), local: new Map(), resource: new Map(), data: new Map(),
              module: new Map(), output: new Map()};
const providers = new Map();  // local name -> file of required_providers
const parsed = [];
for (const file of files) {
  try {
    parsed.push([file, await parse(file, fs.readFileSync(path.join(dir, file), 'utf8'))]);
  } catch (e) {
    problems.push(`${file}: does not parse: ${String(e.message ?? e)}`);
  }
}

const declare = (kind, name, file) => {
  if (decl[kind].has(name)) problems.push(`${file}: ${kind} "${name}" declared twice`);
  decl[kind].set(name, file);
};
for (const [file, json] of parsed) {
  for (const name of Object.keys(json.variable ?? {})) declare('variable', name, file);
  for (const block of json.locals ?? []) {
    for (const name of Object.keys(block)) declare('local', name, file);
  }
  for (const kind of ['resource', 'data']) {
    for (const [type, byName] of Object.entries(json[kind] ?? {})) {
      for (const name of Object.keys(byName)) declare(kind, `${type}.${name}`, file);
    }
  }
  for (const name of Object.keys(json.module ?? {})) declare('module', name, file);
  for (const name of Object.keys(json.output ?? {})) declare('output', name, file);
  for (const block of json.terraform ?? []) {
    for (const req of block.required_providers ?? []) {
      for (const name of Object.keys(req)) providers.set(name, file);
    }
  }
}

// Names that need no declaration: Terraform's own objects.
const builtin = new Set(['count', 'each', 'self', 'path', 'terraform']);
const used = {variable: new Set(), local: new Set(), provider: new Set()};

async function checkString(file, where, text, iterators) {
  if (!text.includes('${')) return;
  let refs;
  try {
    refs = await getReferencesInExpression(file, text);
  } catch (e) {
    problems.push(`${file}: ${where}: expression does not parse: ${String(e.message ?? e)}`);
    return;
  }
  for (const {value} of refs) {
    const parts = value.split('.');
    const [root] = parts;
    if (builtin.has(root) || iterators.has(root)) continue;
    if (root === 'var' || root === 'local') {
      const kind = root === 'var' ? 'variable' : 'local';
      if (!decl[kind].has(parts[1])) problems.push(`${file}: ${where}: ${value}: no ${kind} "${parts[1]}"`);
      used[kind].add(parts[1]);
    } else if (root === 'data') {
      if (!decl.data.has(`${parts[1]}.${parts[2]}`)) {
        problems.push(`${file}: ${where}: ${value}: no data "${parts[1]}" "${parts[2]}"`);
      }
    } else if (root === 'module') {
      if (!decl.module.has(parts[1])) problems.push(`${file}: ${where}: ${value}: no module "${parts[1]}"`);
    } else if (/^[a-z0-9]+_[a-z0-9_]+$/.test(root) && parts.length >= 2) {
      if (!decl.resource.has(`${root}.${parts[1]}`)) {
        problems.push(`${file}: ${where}: ${value}: no resource "${root}" "${parts[1]}"`);
      }
    } else {
      problems.push(`${file}: ${where}: ${value}: not a known kind of reference`);
    }
  }
}

// Walks a block's JSON. A `dynamic "x"` block brings the iterator `x` (or the
// name its `iterator` argument gives) into scope for its content; lifecycle's
// ignore_changes lists attribute names, not references.
async function walk(file, where, node, iterators) {
  if (typeof node === 'string') return checkString(file, where, node, iterators);
  if (Array.isArray(node)) {
    for (const item of node) await walk(file, where, item, iterators);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'lifecycle') continue;
    if (key === 'dynamic') {
      for (const [label, blocks] of Object.entries(value)) {
        for (const block of blocks) {
          const inner = new Set(iterators).add(block.iterator ?? label);
          await walk(file, `${where} dynamic "${label}"`, block, inner);
        }
      }
      continue;
    }
    await walk(file, where, value, iterators);
  }
}

for (const [file, json] of parsed) {
  for (const [kind, body] of Object.entries(json)) {
    if (kind === 'resource' || kind === 'data') {
      for (const [type, byName] of Object.entries(body)) {
        used.provider.add(type.split('_')[0]);
        if (!providers.has(type.split('_')[0])) {
          problems.push(`${file}: ${kind} "${type}": provider "${type.split('_')[0]}" not in required_providers`);
        }
        for (const [name, blocks] of Object.entries(byName)) {
          await walk(file, `${kind} "${type}" "${name}"`, blocks, new Set());
        }
      }
    } else if (kind === 'provider') {
      for (const name of Object.keys(body)) {
        used.provider.add(name);
        if (!providers.has(name)) problems.push(`${file}: provider "${name}" not in required_providers`);
      }
      await walk(file, 'provider', body, new Set());
    } else if (kind === 'output' || kind === 'variable' || kind === 'module') {
      for (const [name, blocks] of Object.entries(body)) {
        // A variable's `type` is a type expression (string, list(string)), not a reference.
        const checked = kind === 'variable' ? blocks.map(({type, ...rest}) => rest) : blocks;
        await walk(file, `${kind} "${name}"`, checked, new Set());
      }
    } else if (kind === 'locals') {
      for (const block of body) {
        for (const [name, value] of Object.entries(block)) await walk(file, `local "${name}"`, value, new Set());
      }
    } else if (kind !== 'terraform') {
      problems.push(`${file}: unexpected top-level block "${kind}"`);
    }
  }
  for (const [name, blocks] of Object.entries(json.output ?? {})) {
    if (!blocks.some((b) => 'value' in b)) problems.push(`${file}: output "${name}" has no value`);
  }
}

for (const [kind, names] of [['variable', decl.variable], ['local', decl.local]]) {
  for (const [name, file] of names) {
    if (!used[kind].has(name)) problems.push(`${file}: ${kind} "${name}" is declared but never used`);
  }
}
for (const [name, file] of providers) {
  if (!used.provider.has(name)) problems.push(`${file}: required provider "${name}" is never used`);
}

if (problems.length) {
  for (const p of problems) console.error(`terraform: ${p}`);
  process.exit(1);
}
console.log(`terraform: ${files.length} files parse; ${decl.variable.size} variables, ` +
            `${decl.local.size} locals, ${decl.resource.size} resources, ${decl.data.size} data sources ` +
            `and ${decl.output.size} outputs: every reference resolves, every variable and local is used`);
