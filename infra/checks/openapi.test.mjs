// The public OpenAPI document (gateway/src/main/resources/static/openapi.json) as a contract a client
// generator can use: every operation has an operationId, unique across the document, and every {name}
// in a path is declared as a path parameter of each of its operations (Redocly's recommended rules
// operation-operationId, operation-operationId-unique and path-parameters-defined).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCUMENT = path.join(ROOT, 'gateway/src/main/resources/static/openapi.json');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function problems(doc) {
  const found = [];
  const ids = new Map();
  for (const [route, item] of Object.entries(doc.paths || {})) {
    const templated = [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of METHODS.filter((m) => item[m])) {
      const operation = item[method];
      const where = `${method.toUpperCase()} ${route}`;
      if (!operation.operationId) {
        found.push(`${where}: no operationId`);
      } else if (ids.has(operation.operationId)) {
        found.push(`${where}: operationId ${operation.operationId} is also ${ids.get(operation.operationId)}'s`);
      } else {
        ids.set(operation.operationId, where);
      }
      const declared = new Set([...(item.parameters || []), ...(operation.parameters || [])]
        .filter((p) => p.in === 'path')
        .map((p) => p.name));
      for (const name of templated) {
        if (!declared.has(name)) found.push(`${where}: path parameter ${name} is not declared`);
      }
      for (const name of declared) {
        if (!templated.includes(name)) found.push(`${where}: path parameter ${name} is not in the path`);
      }
    }
  }
  return found;
}

test('the public document has an operationId on every operation and declares every path parameter', () => {
  const doc = JSON.parse(readFileSync(DOCUMENT, 'utf8'));
  assert.deepEqual(problems(doc), []);
  assert.ok(Object.keys(doc.paths).length >= 18, 'the document has its paths');
});

test('a missing operationId, a duplicate one and an undeclared path parameter are each named', () => {
  const doc = {
    paths: {
      '/admin/tenants/{tenantId}': { get: { operationId: 'getTenant' }, patch: {} },
      '/v1/messages/{id}': {
        get: { operationId: 'getTenant', parameters: [{ name: 'id', in: 'path' }, { name: 'x', in: 'path' }] },
      },
    },
  };
  assert.deepEqual(problems(doc), [
    'GET /admin/tenants/{tenantId}: path parameter tenantId is not declared',
    'PATCH /admin/tenants/{tenantId}: no operationId',
    'PATCH /admin/tenants/{tenantId}: path parameter tenantId is not declared',
    "GET /v1/messages/{id}: operationId getTenant is also GET /admin/tenants/{tenantId}'s",
    'GET /v1/messages/{id}: path parameter x is not in the path',
  ]);
});
