// Tests of infra/k8s-check/check.mjs, run the way everyone runs it: through infra/check-k8s.sh
// (which installs its packages into the tools cache, renders every overlay with
// `kubectl kustomize` and hands the renders to check.mjs). The repository passes, and copies of it
// broken on purpose fail with the FAIL line that names what is wrong. Run with `npm test` here
// (node --test); needs kubectl, and npm the first time (to fill the cache).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { REPO, copyOfRepo, edit } from './support.mjs';

// What check-k8s.sh and check.mjs read: the manifests and their README, the contract, infra/ (the
// script itself, infra/k8s-check, the Dockerfile, postgres/init.sql) and each service's
// application.yml (its shutdown phase). check-k8s.sh finds the repository from its own place, so a
// copy of it inside the copy checks the copy.
const APPLICATION_YMLS = ['gateway', ...fs.readdirSync(path.join(REPO, 'services')).map((s) => `services/${s}`)]
  .map((m) => `${m}/src/main/resources/application.yml`).filter((f) => fs.existsSync(path.join(REPO, f)));
const FILES = ['k8s', 'docs', 'infra', ...APPLICATION_YMLS];

// infra/check-k8s.sh of the repository at `root`, its output cut into lines.
function checkK8s(root) {
  const result = spawnSync('bash', [path.join(root, 'infra/check-k8s.sh')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const lines = result.stdout.split('\n');
  return {
    status: result.status,
    lines,
    fails: lines.filter((l) => l.startsWith('FAIL')),
    report: `${result.stdout}\n${result.stderr}`,
  };
}

// check-k8s.sh on a copy of the repository, after `breakIt(root)`.
function checkCopy(t, breakIt) {
  const root = copyOfRepo(t, FILES);
  breakIt(root);
  return checkK8s(root);
}

test('the repository passes', () => {
  const r = checkK8s(REPO);
  assert.deepEqual(r.fails, [], r.report);
  assert.equal(r.status, 0, r.report);
  assert.ok(r.lines.includes('ok    dev: kubectl kustomize k8s/overlays/dev renders'), r.report);
  assert.ok(r.lines.includes('ok    prod: kubectl kustomize k8s/overlays/prod renders'), r.report);
  assert.equal(r.lines.at(-2), 'all checks passed');
});

test('an untouched copy passes (the copy holds everything the check reads)', (t) => {
  const r = checkCopy(t, () => {});
  assert.deepEqual(r.fails, [], r.report);
  assert.equal(r.status, 0, r.report);
});

test("the prod Ingress routes the gateway's admin port", (t) => {
  const r = checkCopy(t, (root) => edit(root, 'k8s/overlays/prod/ingress.yaml',
    '                port:\n                  name: http\n', '                port:\n                  name: admin\n'));
  assert.deepEqual(r.fails, [
    'FAIL  prod: Ingress/gateway routes a gateway port other than http (the operator API must stay off every Ingress)',
  ], r.report);
  assert.equal(r.status, 1);
  assert.equal(r.lines.at(-2), '1 problem(s) found');
});

test('prod runs with the local profile', (t) => {
  const r = checkCopy(t, (root) => edit(root, 'k8s/overlays/prod/kustomization.yaml',
    '      - TRACING_SAMPLING_PROBABILITY=0.1\n', '      - TRACING_SAMPLING_PROBABILITY=0.1\n      - SPRING_PROFILES_ACTIVE=local\n'));
  assert.deepEqual(r.fails, [
    'FAIL  prod: the local profile is active in Deployment/email-service, Deployment/gateway, Deployment/preference-service, '
      + "Deployment/push-service, Deployment/routing-service, Deployment/sms-service: it accepts the repository's default secrets",
  ], r.report);
  assert.equal(r.status, 1);
  assert.equal(r.lines.at(-2), '1 problem(s) found');
});
