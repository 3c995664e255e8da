// The repository's own files that no build reads: GitHub workflows, issue and pull-request
// templates, CODEOWNERS. A typo in them shows only on GitHub, after the merge; these tests show it
// in scripts/test.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const ROOT = path.resolve(__dirname, '..', '..');
const GITHUB = path.join(ROOT, '.github');

function yamlFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));
}

function parse(file) {
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'), { prettyErrors: true });
  assert.deepStrictEqual(doc.errors.map(String), [], `${path.relative(ROOT, file)} does not parse`);
  return doc.toJS();
}

test('every workflow parses, has triggers and jobs, and runs only scripts that exist', () => {
  const workflows = yamlFiles(path.join(GITHUB, 'workflows'));
  assert.ok(workflows.length > 0, 'no workflow found');
  for (const file of workflows) {
    const name = path.relative(ROOT, file);
    const wf = parse(file);
    assert.ok(wf.on, `${name}: no "on" triggers`);
    assert.ok(wf.jobs && Object.keys(wf.jobs).length > 0, `${name}: no jobs`);
    for (const [id, job] of Object.entries(wf.jobs)) {
      assert.ok(job['runs-on'], `${name}: job ${id} has no runs-on`);
      assert.ok(Array.isArray(job.steps) && job.steps.length > 0, `${name}: job ${id} has no steps`);
      for (const step of job.steps) {
        assert.ok(step.uses || step.run, `${name}: job ${id} has a step with neither uses nor run`);
        for (const script of String(step.run ?? '').matchAll(/(?:^|\s)((?:\.ci|scripts)\/[\w./-]+)/g)) {
          assert.ok(fs.existsSync(path.join(ROOT, script[1])), `${name}: job ${id} runs ${script[1]}, which does not exist`);
        }
      }
    }
  }
});

test('feature branches get the preview deploy and rollback', () => {
  const file = path.join(GITHUB, 'workflows', 'feature-branch-flags.yml');
  assert.ok(fs.existsSync(file), '.github/workflows/feature-branch-flags.yml is missing');
  const wf = parse(file);
  const pushBranches = wf.on?.push?.branches ?? [];
  assert.ok(pushBranches.some((b) => /^feat\/\*/.test(b)), 'feature-branch-flags.yml: push does not trigger on feat/* branches');
  // For pull requests, `branches` filters the base branch; the feature branch is the head.
  assert.ok(wf.on && 'pull_request' in wf.on, 'feature-branch-flags.yml: pull requests do not trigger it');
  assert.strictEqual(wf.on.pull_request?.branches, undefined, 'feature-branch-flags.yml: pull_request.branches would filter the base branch, not feat/*');
  for (const [name, job] of Object.entries(wf.jobs)) {
    assert.match(String(job.if ?? ''), /startsWith\(github\.head_ref, 'feat\/'\)/, `feature-branch-flags.yml: job ${name} does not pick pull requests from feat/* branches`);
  }
  const runs = Object.values(wf.jobs).flatMap((job) => job.steps.map((step) => String(step.run ?? '')));
  const preview = runs.findIndex((run) => /(^|\s)scripts\/preview(\s|$)/.test(run));
  assert.ok(preview >= 0, 'feature-branch-flags.yml: no step runs scripts/preview');
  assert.ok(runs.slice(0, preview).some((run) => /\bmvn\b.*\bpackage\b/.test(run)), 'feature-branch-flags.yml: the jars are not built before scripts/preview');
  const setup = Object.values(wf.jobs).flatMap((job) => job.steps).find((step) => String(step.uses ?? '').startsWith('actions/setup-java'));
  assert.strictEqual(String(setup?.with?.['java-version']), '17', 'feature-branch-flags.yml: JDK 17 is not set up');
});

test('every issue template parses and has a name, a description and a body', () => {
  const templates = yamlFiles(path.join(GITHUB, 'ISSUE_TEMPLATE')).filter((f) => !f.endsWith('config.yml'));
  assert.ok(templates.length >= 2, 'expected a bug and a feature template');
  for (const file of templates) {
    const t = parse(file);
    const name = path.relative(ROOT, file);
    assert.ok(t.name && t.description, `${name}: name and description are required by GitHub`);
    assert.ok(Array.isArray(t.body) && t.body.length > 0, `${name}: no body`);
    const ids = t.body.filter((b) => b.id).map((b) => b.id);
    assert.strictEqual(new Set(ids).size, ids.length, `${name}: duplicate field ids`);
  }
  const bug = parse(path.join(GITHUB, 'ISSUE_TEMPLATE', 'bug.yml'));
  const required = bug.body.filter((b) => b.validations?.required).map((b) => b.id);
  assert.ok(required.includes('saga-id') && required.includes('saga-type'), 'a bug report must ask for the saga id and version');
});

test('every CODEOWNERS pattern matches something in the repository', () => {
  const lines = fs.readFileSync(path.join(GITHUB, 'CODEOWNERS'), 'utf8').split('\n');
  const rules = lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  assert.ok(rules.length > 1);
  for (const rule of rules) {
    const [pattern, ...owners] = rule.split(/\s+/);
    assert.ok(owners.length > 0 && owners.every((o) => /^@[\w-]+(\/[\w-]+)?$/.test(o)), `CODEOWNERS: ${pattern} has no valid owner`);
    if (pattern === '*') continue;
    assert.ok(pattern.startsWith('/'), `CODEOWNERS: ${pattern} should be anchored at the root`);
    const rel = pattern.slice(1).replace(/\/$/, '');
    if (!rel.includes('*')) {
      assert.ok(fs.existsSync(path.join(ROOT, rel)), `CODEOWNERS: ${pattern} matches nothing`);
      continue;
    }
    const dir = path.join(ROOT, path.dirname(rel));
    const glob = new RegExp(`^${path.basename(rel).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    assert.ok(fs.existsSync(dir) && fs.readdirSync(dir).some((f) => glob.test(f)), `CODEOWNERS: ${pattern} matches nothing`);
  }
});

test('the pull-request template asks the release questions', () => {
  const text = fs.readFileSync(path.join(GITHUB, 'PULL_REQUEST_TEMPLATE.md'), 'utf8');
  for (const question of ['Contract change?', 'Schemas registered?', 'Flag default?', 'Rollback plan?']) {
    assert.ok(text.includes(question), `PULL_REQUEST_TEMPLATE.md: missing "${question}"`);
  }
});
