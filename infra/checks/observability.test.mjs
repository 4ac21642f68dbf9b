// Tests of observability.mjs: the repository passes, and copies of it broken on purpose fail with
// the FAIL line that names what is wrong. Needs promtool and kubectl, as the check does (promtool
// comes from tools.sh, like infra/check-observability.sh's). Run with `npm test` here (node --test).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, copyOfRepo, edit, promtoolPath, runCheck } from './support.mjs';

const MON = 'k8s/components/monitoring';
const RULES = `${MON}/rules/relay.rules.yml`;
const PROMRULE = `${MON}/prometheusrule.yaml`;
const DASHBOARD = `${MON}/dashboards/relay-overview.json`;

const check = (root, args = []) => runCheck('observability.mjs', { args, env: { ROOT: root, PROMTOOL: promtoolPath() } });
// observability.mjs on a copy of k8s/ and the runbook, after `breakIt(root)`.
function checkCopy(t, breakIt, args = []) {
  const root = copyOfRepo(t, ['k8s', 'docs/runbook.md']);
  breakIt(root);
  return { root, ...check(root, args) };
}
const summary = (r) => r.lines.at(-2);

test('the repository passes', () => {
  const r = check(REPO);
  assert.deepEqual(r.fails, [], r.report);
  assert.equal(r.status, 0, r.report);
  assert.ok(r.lines.includes('ok    prometheusrule.yaml is generated from rules/relay.rules.yml and up to date'), r.report);
  assert.match(summary(r), /^check-observability: \d+ passed, 0 failed$/);
});

test('an untouched copy passes (the copy holds everything the check reads)', (t) => {
  const r = checkCopy(t, () => {});
  assert.deepEqual(r.fails, [], r.report);
  assert.equal(r.status, 0, r.report);
});

test('an alert without its summary annotation', (t) => {
  // --fix regenerates prometheusrule.yaml, so that only the rule itself is wrong
  const r = checkCopy(t, (root) => edit(root, RULES,
    '          summary: "Messages are waiting in the parking queue {{ $labels.queue }}"\n', ''), ['--fix']);
  assert.ok(r.lines.includes(`wrote ${PROMRULE}`), r.report);
  assert.deepEqual(r.fails, [
    // its unit test expects the annotation
    'FAIL  promtool test rules rules/relay.rules.test.yml',
    'FAIL  rules: alert labels, annotations and runbook links',
  ], r.report);
  const at = r.lines.indexOf('FAIL  rules: alert labels, annotations and runbook links');
  assert.equal(r.lines[at + 1], '      ParkingQueueNotEmpty: no summary annotation');
  assert.equal(r.status, 1);
  assert.match(summary(r), /^check-observability: \d+ passed, 2 failed$/);
});

test('a runbook_url whose section docs/runbook.md does not have', (t) => {
  const r = checkCopy(t, (root) => edit(root, 'docs/runbook.md', '## Replay the parking queue\n', '## Replaying\n'));
  assert.deepEqual(r.fails, ['FAIL  rules: alert labels, annotations and runbook links'], r.report);
  const at = r.lines.indexOf(r.fails[0]);
  assert.equal(r.lines[at + 1], '      ParkingQueueNotEmpty: docs/runbook.md has no heading for #replay-the-parking-queue');
  assert.equal(r.status, 1);
});

test('prometheusrule.yaml edited by hand fails, and --fix regenerates it', (t) => {
  const original = fs.readFileSync(path.join(REPO, PROMRULE), 'utf8');
  const r = checkCopy(t, (root) => fs.appendFileSync(path.join(root, PROMRULE), '# edited by hand\n'));
  assert.deepEqual(r.fails, ['FAIL  prometheusrule.yaml differs from what rules/relay.rules.yml generates: run infra/check-observability.sh --fix'], r.report);
  assert.ok(r.lines.includes('      -# edited by hand'), r.report);
  assert.equal(r.status, 1);

  const fixed = check(r.root, ['--fix']);
  assert.ok(fixed.lines.includes(`wrote ${PROMRULE}`), fixed.report);
  assert.deepEqual(fixed.fails, [], fixed.report);
  assert.equal(fixed.status, 0);
  assert.equal(fs.readFileSync(path.join(r.root, PROMRULE), 'utf8'), original);
});

test('a dashboard query on a metric outside the metrics contract', (t) => {
  const r = checkCopy(t, (root) => edit(root, DASHBOARD, '(rate(relay_messages_accepted_total', '(rate(relay_messages_taken_total'));
  assert.deepEqual(r.fails, ['FAIL  dashboard: unknown metric or label names'], r.report);
  const at = r.lines.indexOf(r.fails[0]);
  assert.match(r.lines[at + 1], /^ {6}panel ".+" A: metric relay_messages_taken_total is not in the metrics contract$/);
  assert.equal(r.status, 1);
});

test('a dashboard query that is not PromQL', (t) => {
  const r = checkCopy(t, (root) => edit(root, DASHBOARD, '"sum by (tenant) (rate(', '"sum by (tenant) (rate(('));
  assert.deepEqual(r.fails, ['FAIL  dashboard: PromQL that does not parse (record name dashboard:panel_<id>_<refId>)'], r.report);
  assert.equal(r.status, 1);
});

test('a missing rule test file stops the check', (t) => {
  const r = checkCopy(t, (root) => fs.rmSync(path.join(root, MON, 'rules/relay.rules.test.yml')));
  assert.deepEqual(r.fails, [`FAIL  missing ${MON}/rules/relay.rules.test.yml`], r.report);
  assert.equal(summary(r), 'check-observability: 1 passed, 1 failed');
  assert.equal(r.status, 1);
});

test('an unknown argument', () => {
  const r = runCheck('observability.mjs', { args: ['--fi'], env: { ROOT: REPO, PROMTOOL: promtoolPath() } });
  assert.equal(r.stderr, 'usage: infra/check-observability.sh [--fix]\n');
  assert.equal(r.stdout, '');
  assert.equal(r.status, 2);
});
