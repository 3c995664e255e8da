// Tests of the feature-flag gate: it passes on the project as it is, and fails, naming the place,
// on each kind of ungated entrypoint planted in a copy of the sources.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const GATE = path.join(__dirname, 'feature-flag-gate.js');
const MODULES = ['saga-topology', 'interactive-query-api', 'saga-app', 'saga-embedded',
  'sagaflow-participant', 'examples/order-fulfilment', 'examples/money-transfer'];
const ROUTES = 'interactive-query-api/src/main/java/io/sagaflow/api/RouteTable.java';
const RUNTIME = 'saga-app/src/main/java/io/sagaflow/app/SagaflowRuntime.java';
const CONFIG = 'saga-app/src/main/java/io/sagaflow/app/config/ConfigLoader.java';

function gate(root, ...args) {
  const run = spawnSync(process.execPath, [GATE, ...args, '--root', root], { encoding: 'utf8' });
  return { status: run.status, out: run.stdout + run.stderr };
}

const copies = [];
test.after(() => copies.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function copyOfSources() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flag-gate-'));
  copies.push(dir);
  for (const m of MODULES) {
    const from = path.join(ROOT, m, 'src', 'main', 'java');
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, m, 'src', 'main', 'java'), { recursive: true });
  }
  return dir;
}

function edit(root, file, from, to) {
  const abs = path.join(root, file);
  const text = fs.readFileSync(abs, 'utf8');
  assert.ok(text.includes(from), `${file} no longer contains the text the test plants next to`);
  fs.writeFileSync(abs, text.replace(from, to));
}

function add(root, file, text) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

test('the project passes', () => {
  const run = gate(ROOT, 'SAGA_ENABLED');
  assert.strictEqual(run.status, 0, run.out);
  assert.match(run.out, /passed/);
});

test('an unmodified copy passes, so the planted failures below are the plants', () => {
  assert.strictEqual(gate(copyOfSources(), 'SAGA_ENABLED').status, 0);
});

test('a mutating route that is not ENTRY fails', () => {
  const root = copyOfSources();
  edit(root, ROUTES, 'post("/sagas/{sagaId}/cancel", ENTRY, saga::cancel),',
    'post("/sagas/{sagaId}/cancel", ENTRY, saga::cancel),\n            post("/sagas/{sagaId}/poke", READ, saga::cancel),');
  const run = gate(root, 'SAGA_ENABLED');
  assert.strictEqual(run.status, 1, run.out);
  assert.match(run.out, /RouteTable\.java:\d+: POST "\/sagas\/\{sagaId\}\/poke" changes state but is READ/);
});

test('a handler registered outside the route table fails', () => {
  const root = copyOfSources();
  add(root, 'interactive-query-api/src/main/java/io/sagaflow/api/Backdoor.java',
    'package io.sagaflow.api;\nfinal class Backdoor {\n  static void install(io.javalin.config.RoutesConfig routes) {\n'
    + '    routes.addHttpHandler(io.javalin.http.HandlerType.POST, "/start", ctx -> {});\n  }\n}\n');
  const run = gate(root, 'SAGA_ENABLED');
  assert.strictEqual(run.status, 1, run.out);
  assert.match(run.out, /Backdoor\.java:4: registers an HTTP handler outside RouteTable/);
});

test('a route commented out does not count, a guard commented out does not either', () => {
  const root = copyOfSources();
  edit(root, 'interactive-query-api/src/main/java/io/sagaflow/api/EntryGuard.java',
    'if (!sagasEnabled) {', '// if (!sagasEnabled) {\n    if (false) {');
  const run = gate(root, 'SAGA_ENABLED');
  assert.strictEqual(run.status, 1, run.out);
  assert.match(run.out, /EntryGuard\.check must refuse first/);
});

test('the processor started before the enabled check fails', () => {
  const root = copyOfSources();
  edit(root, RUNTIME, '      if (!effective.enabled()) {',
    '      SagaProcessor.start(effective, modules.registry(), null);\n      if (!effective.enabled()) {');
  const run = gate(root, 'SAGA_ENABLED');
  assert.strictEqual(run.status, 1, run.out);
  assert.match(run.out, /SagaflowRuntime\.java:\d+: SagaProcessor\.start is reached without the saga\.enabled check/);
});

test('a CLI command that sends start requests itself fails', () => {
  const root = copyOfSources();
  add(root, 'saga-app/src/main/java/io/sagaflow/app/StartCommand.java',
    'package io.sagaflow.app;\n@picocli.CommandLine.Command(name = "start")\nfinal class StartCommand {\n'
    + '  void call() { new io.sagaflow.app.demo.StartRequests(null, null); }\n}\n');
  const run = gate(root, 'SAGA_ENABLED');
  assert.strictEqual(run.status, 1, run.out);
  assert.match(run.out, /StartCommand\.java:4: a CLI command builds a saga input path itself/);
});

test('an unknown writer of saga.requests fails', () => {
  const root = copyOfSources();
  add(root, 'saga-app/src/main/java/io/sagaflow/app/Injector.java',
    'package io.sagaflow.app;\nfinal class Injector {\n  void go(org.apache.kafka.clients.producer.Producer<byte[], byte[]> p) {\n'
    + '    p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(io.sagaflow.topology.SagaTopics.REQUESTS, null));\n  }\n}\n');
  const run = gate(root, 'SAGA_ENABLED');
  assert.strictEqual(run.status, 1, run.out);
  assert.match(run.out, /Injector\.java: writes to a saga input topic but is not a known gated writer/);
});

test('the flag on by default outside preview fails', () => {
  const root = copyOfSources();
  edit(root, CONFIG, 'putBoolean(raw, read, "saga.enabled", preview)', 'putBoolean(raw, read, "saga.enabled", true)');
  const run = gate(root, 'SAGA_ENABLED');
  assert.strictEqual(run.status, 1, run.out);
  assert.match(run.out, /the default of saga\.enabled is "true"/);
});

test('the flag on in a production manifest fails, in the preview one passes', () => {
  const root = copyOfSources();
  add(root, 'k8s/overlays/preview/config.env', 'SAGA_ENABLED=true\n');
  assert.strictEqual(gate(root, 'SAGA_ENABLED').status, 0);
  add(root, 'k8s/overlays/production/config.env', '# turn on with SAGA_ENABLED=true when ready\nSAGA_ENABLED=false\n');
  assert.strictEqual(gate(root, 'SAGA_ENABLED').status, 0, 'a comment is not a setting');
  add(root, 'k8s/overlays/production/config.env', 'SAGA_ENABLED=true\n');
  const run = gate(root, 'SAGA_ENABLED');
  assert.strictEqual(run.status, 1, run.out);
  assert.match(run.out, /k8s\/overlays\/production\/config\.env:1: SAGA_ENABLED is on outside the preview overlay/);
});

test('bad usage is refused with exit 2', () => {
  assert.strictEqual(gate(ROOT).status, 2);
  assert.match(gate(ROOT, 'NOT_A_FLAG').out, /unknown flag NOT_A_FLAG/);
  assert.match(gate(os.tmpdir(), 'SAGA_ENABLED').out, /does not look like the project root/);
});
