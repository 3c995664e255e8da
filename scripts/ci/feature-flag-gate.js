#!/usr/bin/env node
// The feature-flag gate: proves from the sources that every saga entrypoint of the shipped
// runtime goes through the SAGA_ENABLED flag, and that the flag is off by default outside the
// preview environment. It reads Java sources as text on purpose: it must run before anything is
// built, and each rule names the one place a reviewer checks by hand when it fails.
//
//   node scripts/ci/feature-flag-gate.js SAGA_ENABLED [--root DIR]
//
// Exit 0 with a summary of what it checked, 1 with one line per violation, 2 on bad usage.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

// Modules whose code ships in the runtime jar. The benchmark, chaos and test-kit modules are
// harnesses that never run in an environment and start sagas on purpose.
const RUNTIME_MODULES = [
  'saga-topology',
  'interactive-query-api',
  'saga-app',
  'saga-embedded',
  'sagaflow-participant',
  'examples/order-fulfilment',
  'examples/money-transfer',
  'examples/money-transfer-candidate',
];

const FLAGS = {
  SAGA_ENABLED: { setting: 'saga.enabled' },
};

const PATHS = {
  routeTable: 'interactive-query-api/src/main/java/io/sagaflow/api/RouteTable.java',
  routeGates: 'interactive-query-api/src/main/java/io/sagaflow/api/RouteGates.java',
  entryGuard: 'interactive-query-api/src/main/java/io/sagaflow/api/EntryGuard.java',
  runtime: 'saga-app/src/main/java/io/sagaflow/app/SagaflowRuntime.java',
  processor: 'saga-app/src/main/java/io/sagaflow/app/SagaProcessor.java',
  configLoader: 'saga-app/src/main/java/io/sagaflow/app/config/ConfigLoader.java',
};

// Files allowed to start an HTTP server, and why that server is not a saga entrypoint or how its
// entrypoints are gated.
const HTTP_SERVERS = {
  'interactive-query-api/src/main/java/io/sagaflow/api/SagaApiServer.java':
    'serves exactly the rows of RouteTable, each behind its access gate',
  'saga-embedded/src/main/java/io/sagaflow/embedded/registry/SchemaRegistryServer.java':
    'the embedded schema registry: stores schemas, starts no saga',
};

// What starts consuming saga inputs or producing them; each may only run after the runtime's
// enabled check has returned for a disabled instance. Simulated participants are not here: they
// answer commands, which exist only once a processor runs, and start no saga.
const GATED_STARTS = ['SagaProcessor.start(', 'DemoWorkload.start('];

// Files that write to the saga input topics (and to saga.rollout.requests, which decides the
// version new sagas start on), with the gate each one sits behind.
const INPUT_WRITERS = {
  'interactive-query-api/src/main/java/io/sagaflow/api/SagaInputs.java':
    'called only by the ENTRY routes of RouteTable',
  'interactive-query-api/src/main/java/io/sagaflow/api/RolloutRoutes.java':
    'rollout requests, written only by the ENTRY rollout routes of RouteTable',
  'interactive-query-api/src/main/java/io/sagaflow/api/Redriver.java':
    'dead-letter redrive, called only by the ENTRY redrive routes of RouteTable',
  'saga-app/src/main/java/io/sagaflow/app/demo/StartRequests.java':
    'the demo, started by DemoWorkload.start after the enabled check',
  'saga-app/src/main/java/io/sagaflow/app/demo/DemoWorkload.java':
    'started by SagaflowRuntime after the enabled check',
  'saga-app/src/main/java/io/sagaflow/app/participants/SimulatedParticipant.java':
    'simulated participants, started by SagaflowRuntime after the enabled check',
  'sagaflow-participant/src/main/java/io/sagaflow/participant/CommandLoop.java':
    'a participant: replies only to commands the processor sent',
};

function usage(message) {
  process.stderr.write(`${message}\nusage: feature-flag-gate.js FLAG [--root DIR]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  let flag;
  let root = path.resolve(__dirname, '..', '..');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') {
      if (i + 1 >= argv.length) usage('--root needs a directory');
      root = path.resolve(argv[++i]);
    } else if (argv[i].startsWith('-')) {
      usage(`unknown option ${argv[i]}`);
    } else if (flag === undefined) {
      flag = argv[i];
    } else {
      usage(`unexpected argument ${argv[i]}`);
    }
  }
  if (flag === undefined) usage('name the flag to check');
  if (!FLAGS[flag]) usage(`unknown flag ${flag}; this gate knows ${Object.keys(FLAGS).join(', ')}`);
  if (!fs.existsSync(path.join(root, PATHS.routeTable))) {
    usage(`${root} does not look like the project root (no ${PATHS.routeTable})`);
  }
  return { flag, root };
}

function javaFiles(root, dir) {
  const out = [];
  const walk = (abs) => {
    if (!fs.existsSync(abs)) return;
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const child = path.join(abs, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.java')) out.push(child);
    }
  };
  walk(path.join(root, dir));
  return out.map((abs) => path.relative(root, abs).split(path.sep).join('/'));
}

// Comments would let a planted route hide behind a commented-out guard (or a commented-out
// route fail the gate), so rules read code only. String literals are kept: routes live in them.
function stripComments(source) {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '"' || c === "'") {
      const quote = c;
      let j = i + 1;
      while (j < source.length && source[j] !== quote) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// Walks `source` from `from`, skipping string and char literals, and returns the index of the
// first brace after which `stop(depth, brace)` holds (depth counted from `from`); -1 if none.
function firstBraceWhere(source, from, stop) {
  let depth = 0;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'") {
      i++;
      while (i < source.length && source[i] !== c) i += source[i] === '\\' ? 2 : 1;
    } else if (c === '{' || c === '}') {
      depth += c === '{' ? 1 : -1;
      if (stop(depth, c)) return i;
    }
  }
  return -1;
}

// Index of the brace closing the one at `open`; -1 if none.
function matchingBrace(source, open) {
  return firstBraceWhere(source, open, (depth, brace) => brace === '}' && depth === 0);
}

// Whether every block open at `from` is still open at the end of `source`: then code at the end
// runs only after the statement at `from`, not in some sibling branch.
function staysOpen(source, from) {
  return firstBraceWhere(source, from, (depth) => depth < 0) === -1;
}

function lineOf(source, index) {
  return source.slice(0, index).split('\n').length;
}

class Gate {
  constructor(root, flag) {
    this.root = root;
    this.flag = flag;
    this.setting = FLAGS[flag].setting;
    this.violations = [];
    this.checked = [];
    this.cache = new Map();
  }

  read(file) {
    if (!this.cache.has(file)) {
      const abs = path.join(this.root, file);
      this.cache.set(file, fs.existsSync(abs) ? stripComments(fs.readFileSync(abs, 'utf8')) : null);
    }
    return this.cache.get(file);
  }

  fail(file, line, message) {
    this.violations.push(`${file}${line ? `:${line}` : ''}: ${message}`);
  }

  runtimeSources() {
    return RUNTIME_MODULES.flatMap((m) => javaFiles(this.root, `${m}/src/main/java`));
  }

  checkRoutes() {
    const table = this.read(PATHS.routeTable);
    const rows = [...table.matchAll(/\b(get|post|put|patch|delete|head)\(\s*("[^"]*"|[A-Z_]+)\s*,\s*(\w+)\s*,/g)];
    if (rows.length === 0) this.fail(PATHS.routeTable, 0, 'no route rows found; the gate cannot see the HTTP routes');
    let entries = 0;
    for (const row of rows) {
      const [, method, route, access] = row;
      if (method === 'get' || method === 'head') continue;
      if (access !== 'ENTRY') {
        this.fail(PATHS.routeTable, lineOf(table, row.index),
          `${method.toUpperCase()} ${route} changes state but is ${access}, not ENTRY: it bypasses ${this.flag}`);
      } else {
        entries++;
      }
    }
    this.checked.push(`${rows.length} HTTP routes, ${entries} mutating ones all ENTRY`);

    const gates = this.read(PATHS.routeGates);
    if (!/case\s+ENTRY\s*->\s*entries\.check\(/.test(gates)) {
      this.fail(PATHS.routeGates, 0, 'the ENTRY access level no longer runs EntryGuard.check');
    }
    const guard = this.read(PATHS.entryGuard);
    const check = guard.match(/void\s+check\([^)]*\)\s*\{\s*if\s*\(\s*!\s*sagasEnabled\s*\)\s*\{\s*throw\b/);
    if (!check) {
      this.fail(PATHS.entryGuard, 0, `EntryGuard.check must refuse first when ${this.flag} is off`);
    }
    const install = table.match(/void\s+install\([\s\S]*?\n {2}\}/);
    if (!install || !/gates\.check\(\s*access\s*,\s*ctx\s*\)\s*;\s*handler\.handle\(/.test(install[0])) {
      this.fail(PATHS.routeTable, 0, 'install() must run gates.check(access, ctx) before every handler');
    }
  }

  checkHttpServers(files) {
    const registration = /\.(addHttpHandler|addHandler|addWsHandler|createContext)\(|\.routes\.(get|post|put|patch|delete)\(|\bapp\.(post|put|patch|delete)\(/g;
    for (const file of files) {
      const src = this.read(file);
      if (/\b(Javalin\.create|HttpServer\.create|HttpsServer\.create|new\s+Server\()/.test(src) && !HTTP_SERVERS[file]) {
        this.fail(file, 0, `starts an HTTP server the gate does not know; route its mutating routes through RouteTable (ENTRY) or declare why it is not a saga entrypoint in ${path.basename(__filename)}`);
      }
      if (file === PATHS.routeTable || file.startsWith('saga-embedded/')) continue;
      for (const m of src.matchAll(registration)) {
        this.fail(file, lineOf(src, m.index), `registers an HTTP handler outside RouteTable (${m[0]}), so no access gate runs before it`);
      }
    }
    this.checked.push(`HTTP servers: ${Object.keys(HTTP_SERVERS).length} known, none other`);
  }

  checkStarts(files) {
    let starts = 0;
    for (const file of files) {
      const src = this.read(file);
      for (const call of GATED_STARTS) {
        let at = src.indexOf(call);
        while (at >= 0) {
          starts++;
          if (file !== PATHS.runtime || !this.afterEnabledGuard(src, at)) {
            this.fail(file, lineOf(src, at), `${call.slice(0, -1)} is reached without the ${this.setting} check returning first for a disabled instance`);
          }
          at = src.indexOf(call, at + 1);
        }
      }
      if (/new\s+KafkaStreams\s*\(/.test(src) && file !== PATHS.processor) {
        this.fail(file, 0, 'creates a KafkaStreams instance outside SagaProcessor, which only the gated runtime starts');
      }
      for (const m of src.matchAll(/\.(addSource|stream|table|globalTable)\(\s*(SagaTopics\.\w+|"saga\.[^"]+")/g)) {
        if (!file.startsWith('saga-topology/')) {
          this.fail(file, lineOf(src, m.index), `reads ${m[2]} outside the saga topology, so it would consume saga inputs with ${this.flag} off`);
        }
      }
    }
    if (starts === 0) this.fail(PATHS.runtime, 0, 'found no processor start at all; the gate is looking in the wrong place');
    this.checked.push(`${starts} starts of the processor and the demo, each after the enabled check`);
  }

  // The guard: `if (!<config>.enabled()) { ... return ...; }` earlier in the same method, at the
  // method's own nesting level (a guard inside some other block would not cover the start).
  afterEnabledGuard(src, at) {
    const before = src.slice(0, at);
    const method = Math.max(before.lastIndexOf('\n  private '), before.lastIndexOf('\n  public '), 0);
    const body = before.slice(method);
    for (const m of body.matchAll(/if\s*\(\s*!\s*\w+\.enabled\(\)\s*\)\s*\{/g)) {
      const open = m.index + m[0].length - 1;
      const close = matchingBrace(body, open);
      if (close < 0) continue;
      const block = body.slice(open, close);
      if (/\breturn\b/.test(block) && staysOpen(body, m.index)) return true;
    }
    return false;
  }

  checkInputWriters(files) {
    const inputs = /SagaTopics\.(REQUESTS|REPLIES)\b|RolloutTopics\.REQUESTS\b|"saga\.(requests|replies|rollout\.requests)"/;
    for (const file of files) {
      const src = this.read(file);
      if (inputs.test(src) && /\.send\(/.test(src) && !INPUT_WRITERS[file]) {
        this.fail(file, 0, `writes to a saga input topic but is not a known gated writer; gate it with ${this.flag} and list it in ${path.basename(__filename)}`);
      }
    }
    this.checked.push(`${Object.keys(INPUT_WRITERS).length} known writers of saga inputs`);
  }

  // A command that starts sagas must do it through SagaflowRuntime, which applies the flag; it may
  // hold what the runtime hands back (the demo, to wait for it) but not build a saga input path.
  checkCommands(files) {
    const direct = /\bnew\s+(?:[\w.]+\.)?(StartRequests|SagaInputs|DemoWorkload|SagaProcessor)\s*\(|\b(StartRequests|SagaInputs|DemoWorkload|SagaProcessor)\.(?!class\b)\w+\(/g;
    let commands = 0;
    for (const file of files) {
      const src = this.read(file);
      if (!/@(?:[\w.]+\.)?Command\s*\(/.test(src)) continue;
      commands++;
      for (const m of src.matchAll(direct)) {
        this.fail(file, lineOf(src, m.index), `a CLI command builds a saga input path itself (${m[0]}) instead of through SagaflowRuntime, which applies ${this.flag}`);
      }
    }
    this.checked.push(`${commands} CLI commands; none starts sagas except through SagaflowRuntime`);
  }

  checkDefault() {
    const loader = this.read(PATHS.configLoader);
    const put = new RegExp(`putBoolean\\(\\s*raw\\s*,\\s*read\\s*,\\s*"${this.setting.replace('.', '\\.')}"\\s*,\\s*([^)]+)\\)`).exec(loader);
    if (!put) {
      this.fail(PATHS.configLoader, 0, `no default for ${this.setting} found`);
    } else {
      const expr = put[1].trim();
      const preview = new RegExp(`boolean\\s+${expr}\\s*=\\s*env\\s*==\\s*SagaEnv\\.PREVIEW\\s*;`).test(loader);
      if (!preview) {
        this.fail(PATHS.configLoader, lineOf(loader, put.index), `the default of ${this.setting} is "${expr}", not "on in the preview environment only"`);
      }
    }
    for (const file of this.runtimeSources()) {
      const src = this.read(file);
      const on = new RegExp(`"${this.setting.replace('.', '\\.')}"\\s*,\\s*"true"|"${this.flag}"\\s*,\\s*"true"`).exec(src);
      if (on) this.fail(file, lineOf(src, on.index), `turns ${this.flag} on in code`);
    }
    this.checked.push(`${this.setting} defaults on only where env == PREVIEW`);
  }

  checkManifests() {
    const k8s = path.join(this.root, 'k8s');
    if (!fs.existsSync(k8s)) return;
    const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
    let seen = 0;
    for (const abs of walk(k8s)) {
      if (!/\.(ya?ml|env|properties)$/.test(abs)) continue;
      const rel = path.relative(this.root, abs).split(path.sep).join('/');
      // Comments may tell an operator how to turn the flag on; only settings count.
      const text = fs.readFileSync(abs, 'utf8').replace(/(^|\s)#.*$/gm, '$1');
      const re = new RegExp(`${this.flag}\\s*[:=]\\s*["']?(\\w+)`, 'g');
      for (const m of text.matchAll(re)) {
        seen++;
        if (m[1].toLowerCase() === 'true' && !/(^|\/)preview(\/|$)/.test(rel)) {
          this.fail(rel, lineOf(text, m.index), `${this.flag} is on outside the preview overlay`);
        }
      }
    }
    this.checked.push(`${seen} settings of ${this.flag} in k8s/, on only in preview`);
  }

  run() {
    const files = this.runtimeSources();
    this.checkRoutes();
    this.checkHttpServers(files);
    this.checkStarts(files);
    this.checkInputWriters(files);
    this.checkCommands(files);
    this.checkDefault();
    this.checkManifests();
    return this.violations;
  }
}

function main() {
  const { flag, root } = parseArgs(process.argv.slice(2));
  const gate = new Gate(root, flag);
  const violations = gate.run();
  if (violations.length > 0) {
    process.stderr.write(`feature-flag gate ${flag}: FAILED, ${violations.length} entrypoint problem(s)\n`);
    for (const v of violations) process.stderr.write(`  ${v}\n`);
    process.exit(1);
  }
  process.stdout.write(`feature-flag gate ${flag}: passed\n`);
  for (const c of gate.checked) process.stdout.write(`  ${c}\n`);
}

if (require.main === module) main();

module.exports = { Gate, stripComments };
