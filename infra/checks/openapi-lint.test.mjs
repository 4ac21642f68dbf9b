// Tests of openapi-lint.mjs: the public OpenAPI document has no error under Redocly's `recommended`
// rules, and copies of it broken on purpose (temporary files, never the repository) are caught by
// the rule that names what is wrong. Run with `npm test` here (node --test).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, runCheck } from './support.mjs';

const DOCUMENT = path.join(REPO, 'gateway/src/main/resources/static/openapi.json');

// openapi-lint.mjs on a copy of the document, after `breakIt(doc)` changed the parsed copy.
function lintCopy(t, breakIt) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-openapi-lint-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const doc = JSON.parse(fs.readFileSync(DOCUMENT, 'utf8'));
  breakIt(doc);
  const copy = path.join(dir, 'openapi.json');
  fs.writeFileSync(copy, `${JSON.stringify(doc, null, 2)}\n`);
  return runCheck('openapi-lint.mjs', { args: [copy] });
}
const rule = (r, id) => r.lines.filter((l) => l.split(' ')[1] === id);

test('the public document has no error under the recommended rules', () => {
  const r = runCheck('openapi-lint.mjs');
  assert.deepEqual(r.fails, [], r.report);
  assert.equal(r.status, 0, r.report);
  assert.match(r.lines.at(-2), /^0 error\(s\), \d+ warning\(s\): openapi\.json under Redocly's recommended rules$/, r.report);
  // a warning only under `recommended`, but the document keeps an operationId on every operation
  assert.deepEqual(rule(r, 'operation-operationId'), [], r.report);
});

test('an untouched copy has no error (the copy is what the other tests break)', (t) => {
  const r = lintCopy(t, () => {});
  assert.deepEqual(r.fails, [], r.report);
  assert.equal(r.status, 0, r.report);
});

test('an operator operation that does not declare a path parameter fails path-parameters-defined', (t) => {
  const r = lintCopy(t, (doc) => {
    const operation = doc.paths['/admin/tenants/{tenantId}/api-keys/{keyId}'].delete;
    const before = operation.parameters.length;
    operation.parameters = operation.parameters.filter((p) => !(p.in === 'path' && p.name === 'keyId'));
    assert.equal(operation.parameters.length, before - 1, 'the copy had the parameter to remove');
  });
  assert.equal(r.status, 1, r.report);
  assert.equal(r.fails.length, 1, r.report);
  assert.match(r.fails[0],
    /^FAIL path-parameters-defined #\/paths\/~1admin~1tenants~1\{tenantId\}~1api-keys~1\{keyId\}\/delete\/parameters .*`\{keyId\}`/,
    r.report);
  assert.equal(r.lines.at(-2).split(',')[0], '1 error(s)', r.report);
});

test('an operation without an operationId is reported by operation-operationId', (t) => {
  const r = lintCopy(t, (doc) => {
    const operation = doc.paths['/admin/tenants/{tenantId}'].get;
    assert.ok(operation.operationId, 'the copy had the operationId to remove');
    delete operation.operationId;
  });
  // `recommended` makes it a warning (openapi.test.mjs is what refuses it)
  assert.deepEqual(rule(r, 'operation-operationId').map((l) => l.split(' ').slice(0, 3).join(' ')),
    ['WARN operation-operationId #/paths/~1admin~1tenants~1{tenantId}/get/operationId'], r.report);
  assert.deepEqual(r.fails, [], r.report);
  assert.equal(r.status, 0, r.report);
});
