// The checks of infra/check-k8s.sh (its header says what they are), on overlays that script has
// rendered with `kubectl kustomize`. Usage (the script does this):
//   node check.mjs <modules dir> <repo root> <overlay>=<rendered.yaml> ...
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [MODULES, ROOT, ...RENDERS] = process.argv.slice(2);
const require = createRequire(path.join(MODULES, 'noop.js'));
const YAML = require('yaml');
const ts = require('typescript');
const Ajv = require('ajv');

let failures = 0;
const ok = (msg) => console.log(`ok    ${msg}`);
const fail = (msg) => { failures++; console.log(`FAIL  ${msg}`); };
const note = (msg) => console.log(`note  ${msg}`);
const check = (cond, good, bad) => (cond ? ok(good) : fail(bad));
const rel = (p) => path.relative(ROOT, p);

// ---------------------------------------------------------------- what the platform is
const APP_IMAGE = /^ghcr\.io\/relay-platform\/([a-z-]+)(?::([^@]+))?(@sha256:[0-9a-f]{64})?$/;
const MODULE_OF = (service) => (service === 'gateway' ? 'gateway' : `services/${service}`);
const DEFAULT_SHUTDOWN_PHASE = 30; // Spring Boot's default timeout-per-shutdown-phase
const OTHER_SHUTDOWN_PHASE = 20; // what a non-relay container is given to stop after preStop
// Ingress from outside the namespace that is not the gateway's: scraping, and what the data
// services' operators and KEDA need (components/network-policies/data-services.yaml).
const MONITORING_NS = 'monitoring';
const EXTERNAL_INGRESS_ALLOWED = [
  { namespace: 'keda', selects: { 'app.kubernetes.io/name': 'relay-rabbitmq' }, ports: [5672], why: 'KEDA reads queue depth' },
  { namespace: 'cnpg-system', selects: { 'cnpg.io/cluster': 'relay-postgres' }, ports: [8000], why: 'the CloudNativePG operator polls its instances' },
];
const MIN_PROD_REPLICAS = 3;

// ---------------------------------------------------------------- the repository's facts
const CONFIG_DOC = path.join(ROOT, 'docs/configuration.md');
const contract = readContract(CONFIG_DOC);
const appUid = dockerfileUid(path.join(ROOT, 'infra/docker/Dockerfile'));

// docs/configuration.md: every `VAR` it names, and per table row with a "used by"/"service" column
// the services a variable is meant for ('*' when the cell says more than a list of services).
function readContract(file) {
  if (!fs.existsSync(file)) { fail(`${rel(file)} does not exist`); return { names: new Set(), usedBy: {} }; }
  const doc = fs.readFileSync(file, 'utf8');
  const names = new Set([...doc.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1]));
  const usedBy = {};
  const services = ['gateway', 'preference', 'routing', 'sms', 'email', 'push'];
  let column = -1;
  for (const line of doc.split('\n')) {
    if (!line.startsWith('|')) { column = -1; continue; }
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const header = cells.findIndex((c) => /^(used by|service)$/i.test(c));
    if (header >= 0) { column = header; continue; }
    if (column < 0 || /^-+$/.test(cells[0].replace(/[:\s]/g, ''))) continue;
    const vars = [...cells[0].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]);
    const cell = (cells[column] || '').toLowerCase();
    const named = services.filter((s) => new RegExp(`\\b${s}(-service)?\\b`).test(cell));
    const rest = services.reduce((c, s) => c.replace(new RegExp(`\\b${s}(-service)?\\b`, 'g'), ''), cell).replace(/[\s,/]+/g, '');
    for (const v of vars) {
      usedBy[v] = named.length && !rest ? named.map((s) => (s === 'gateway' ? s : `${s}-service`)) : '*';
    }
  }
  return { names, usedBy };
}

function dockerfileUid(file) {
  const users = fs.readFileSync(file, 'utf8').split('\n').filter((l) => /^USER\s+/.test(l));
  const m = /^USER\s+(\d+)/.exec(users.pop() || '');
  if (!m) fail(`${rel(file)}: no numeric USER in the final stage`);
  return m ? Number(m[1]) : null;
}

const shutdownPhases = {};
function shutdownPhaseOf(service) {
  if (service in shutdownPhases) return shutdownPhases[service];
  const file = path.join(ROOT, MODULE_OF(service), 'src/main/resources/application.yml');
  let seconds = DEFAULT_SHUTDOWN_PHASE;
  if (fs.existsSync(file)) {
    const value = YAML.parse(fs.readFileSync(file, 'utf8'))?.spring?.lifecycle?.['timeout-per-shutdown-phase'];
    const m = /^(\d+)(ms|s|m)?$/.exec(String(value ?? ''));
    if (m) seconds = Number(m[1]) / ({ ms: 1000, s: 1, m: 1 / 60 }[m[2] || 'ms'] || 1);
  }
  return (shutdownPhases[service] = seconds);
}

// ---------------------------------------------------------------- schemas
// The kubernetes-models packages ship each schema as a compiled validator (types, formats,
// required fields, enums) and as TypeScript declarations generated from the same schema. The
// validators accept fields they do not know, so unknown fields are found by walking each object
// against those declarations with the TypeScript compiler.
const MODEL_PACKAGES = ['kubernetes-models', '@kubernetes-models/keda', '@kubernetes-models/cloudnative-pg',
  '@kubernetes-models/prometheus-operator', '@kubernetes-models/grafana-operator'];
const HAND_WRITTEN = {
  'rabbitmq.com/v1beta1/RabbitmqCluster': path.join(path.dirname(new URL(import.meta.url).pathname), 'rabbitmqcluster.schema.json'),
};
function modelFile(apiVersion, kind) {
  for (const pkg of MODEL_PACKAGES) {
    const file = path.join(MODULES, pkg, apiVersion, `${kind}.js`);
    if (fs.existsSync(file)) return file;
  }
  return null;
}
// x-kubernetes-model in a hand-written schema: a path like "v1/ResourceRequirements" (core) or
// "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta".
const subModelFile = (ref) => path.join(MODULES, ref.startsWith('@') ? ref : `kubernetes-models/${ref}`) + '.js';

async function loadModel(file) {
  const mod = await import(pathToFileURL(file).href);
  const name = path.basename(file, '.js');
  return mod[name] || mod.default;
}

let tsProgram = null;
function declaredType(jsFile) {
  const dts = jsFile.replace(/\.js$/, '.d.ts');
  const sf = tsProgram.getSourceFile(dts);
  const checker = tsProgram.getTypeChecker();
  const exported = sf && checker.getExportsOfModule(checker.getSymbolAtLocation(sf))
    .find((s) => s.name === `I${path.basename(jsFile, '.js')}`);
  return exported ? checker.getDeclaredTypeOfSymbol(exported) : null;
}

function unknownFields(value, type, at, out) {
  const checker = tsProgram.getTypeChecker();
  if (value === null || typeof value !== 'object' || !type) return out;
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return out;
  const members = (type.isUnion() ? type.types : [type]).filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
  if (Array.isArray(value)) {
    const array = members.find((t) => checker.isArrayType(t));
    if (array) value.forEach((v, i) => unknownFields(v, checker.getTypeArguments(array)[0], `${at}[${i}]`, out));
    return out;
  }
  const objects = members.filter((t) => (t.flags & ts.TypeFlags.Object) && !checker.isArrayType(t));
  if (!objects.length) return out;
  for (const [key, v] of Object.entries(value)) {
    let next = null;
    for (const t of objects) {
      const prop = checker.getPropertyOfType(t, key);
      if (prop) { next = checker.getTypeOfSymbol(prop); break; }
      const index = checker.getIndexInfosOfType(t).find((i) => i.keyType.flags & ts.TypeFlags.String);
      if (index) { next = index.type; break; }
    }
    if (next) unknownFields(v, next, `${at}.${key}`, out);
    else out.push(`${at}.${key}`);
  }
  return out;
}

async function validateWithModel(file, value, at) {
  const Model = await loadModel(file);
  const problems = [];
  try { new Model(value).validate(); } catch (e) {
    problems.push(...(e.errors || [{ instancePath: '', message: e.message }]).map((x) => `${at}${x.instancePath || ''} ${x.message}`));
  }
  for (const field of unknownFields(value, declaredType(file), at, [])) problems.push(`${field}: unknown field`);
  return problems;
}

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addKeyword({ keyword: 'x-kubernetes-model', schemaType: 'string' });
const handValidators = {};
async function validateHandWritten(key, obj, at) {
  const schema = JSON.parse(fs.readFileSync(HAND_WRITTEN[key], 'utf8'));
  const validate = handValidators[key] || (handValidators[key] = ajv.compile(schema));
  const problems = validate(obj) ? [] : validate.errors.map((e) => `${at}${e.instancePath} ${e.message}${e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
  // the nested core types the schema delegates to kubernetes-models
  const nested = async (node, value, where) => {
    if (!node || value === undefined) return;
    if (node['x-kubernetes-model']) { problems.push(...await validateWithModel(subModelFile(node['x-kubernetes-model']), value, where)); return; }
    if (node.properties && value && typeof value === 'object') {
      for (const [k, sub] of Object.entries(node.properties)) await nested(sub, value[k], `${where}.${k}`);
    }
    if (node.items && Array.isArray(value)) for (const [i, v] of value.entries()) await nested(node.items, v, `${where}[${i}]`);
  };
  await nested(schema, obj, at);
  return problems;
}

// ---------------------------------------------------------------- rendered overlays
const overlays = RENDERS.map((arg) => {
  const [name, file] = arg.split('=');
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const errors = docs.flatMap((d) => d.errors.map((e) => e.message));
  if (errors.length) fail(`${name}: the rendered YAML does not parse: ${errors.join('; ')}`);
  const objects = docs.map((d) => d.toJS()).filter(Boolean);
  return { name, objects };
});

// One TypeScript program over the declarations of every kind that was rendered.
{
  const files = new Set();
  for (const { objects } of overlays) {
    for (const o of objects) { const f = modelFile(o.apiVersion, o.kind); if (f) files.add(f.replace(/\.js$/, '.d.ts')); }
  }
  for (const file of Object.values(HAND_WRITTEN)) {
    const walk = (node) => { if (node && typeof node === 'object') { if (node['x-kubernetes-model']) files.add(subModelFile(node['x-kubernetes-model']).replace(/\.js$/, '.d.ts')); Object.values(node).forEach(walk); } };
    walk(JSON.parse(fs.readFileSync(file, 'utf8')));
  }
  tsProgram = ts.createProgram([...files], {
    noEmit: true, skipLibCheck: true, types: [], target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
}

const idOf = (o) => `${o.kind}/${o.metadata?.name}`;
const podSpecOf = (o) => (o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet']);
const matches = (selector, labels) => Boolean(selector) && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
// A LabelSelector with matchLabels and In-expressions only: does it select these labels?
function selects(sel, labels) {
  if (!sel) return false;
  if (!matches(sel.matchLabels || {}, labels)) return false;
  return (sel.matchExpressions || []).every((e) => (e.operator === 'In' ? e.values.includes(labels?.[e.key])
    : e.operator === 'NotIn' ? !e.values.includes(labels?.[e.key])
      : e.operator === 'Exists' ? labels && e.key in labels : !(labels && e.key in labels)));
}
function pinned(image) {
  const m = /^(?:[^/]+\/)*[^/:@]+(?::([^@]+))?(@sha256:[0-9a-f]{64})?$/.exec(image || '');
  if (!m) return false;
  if (m[2]) return true;
  return Boolean(m[1]) && m[1] !== 'latest' && /\d/.test(m[1]);
}
function preStopSeconds(container) {
  const preStop = container.lifecycle?.preStop;
  if (!preStop) return 0;
  if (preStop.sleep) return Number(preStop.sleep.seconds) || 0;
  const cmd = (preStop.exec?.command || []).join(' ');
  const m = /\bsleep\s+(\d+)/.exec(cmd);
  return m ? Number(m[1]) : 0;
}

for (const { name: overlay, objects } of overlays) {
  const isProd = overlay === 'prod';
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  check(objects.length > 0, `${overlay}: renders ${objects.length} objects`, `${overlay}: renders nothing`);

  // ------------------------------------------------------------ (a) schemas
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    const file = modelFile(o.apiVersion, o.kind);
    let problems;
    let source;
    if (file) {
      problems = await validateWithModel(file, o, idOf(o));
      source = path.relative(MODULES, path.dirname(file)).split(path.sep).slice(0, o.apiVersion.includes('/') ? -2 : -1).join('/');
    } else if (HAND_WRITTEN[key]) {
      problems = await validateHandWritten(key, o, idOf(o));
      source = `hand-written ${path.basename(HAND_WRITTEN[key])}`;
    } else {
      fail(`${overlay}: ${idOf(o)}: no schema for ${key} (add its package, or a hand-written schema)`);
      continue;
    }
    if (problems.length) for (const p of problems) fail(`${overlay}: ${p} (${source})`);
    else ok(`${overlay}: ${idOf(o)} matches the ${key} schema, no unknown fields (${source})`);
  }

  // ------------------------------------------------------------ (b) workloads
  const serviceAccounts = new Map(byKind('ServiceAccount').map((sa) => [sa.metadata.name, sa]));
  for (const sa of serviceAccounts.values()) {
    check(sa.automountServiceAccountToken === false, `${overlay}: ${idOf(sa)} does not mount its token`,
      `${overlay}: ${idOf(sa)} must set automountServiceAccountToken: false`);
  }
  const configMaps = new Map(byKind('ConfigMap').map((c) => [c.metadata.name, c]));
  const secrets = new Map(byKind('Secret').map((s) => [s.metadata.name, s]));
  const referencedSecrets = new Set();

  for (const w of objects.filter((o) => WORKLOADS.has(o.kind))) {
    const id = `${overlay}: ${idOf(w)}`;
    const template = podSpecOf(w) || {};
    const pod = template.spec || {};
    const labels = template.metadata?.labels || {};
    const problems = [];
    const need = (cond, msg) => { if (!cond) problems.push(msg); };

    need(pod.automountServiceAccountToken === false, 'automountServiceAccountToken: false on the pod spec');
    need(pod.serviceAccountName && serviceAccounts.has(pod.serviceAccountName),
      `a ServiceAccount of its own in the render (serviceAccountName ${pod.serviceAccountName || 'unset'})`);
    need(pod.securityContext?.seccompProfile?.type === 'RuntimeDefault' || (pod.containers || []).every((c) => c.securityContext?.seccompProfile?.type === 'RuntimeDefault'),
      'seccompProfile RuntimeDefault');
    for (const v of pod.volumes || []) if (v.secret) referencedSecrets.add(v.secret.secretName);

    for (const c of [...(pod.initContainers || []), ...(pod.containers || [])]) {
      const isInit = (pod.initContainers || []).includes(c);
      const where = `container ${c.name}`;
      const app = APP_IMAGE.exec(c.image || '');
      need(pinned(c.image), `${where}: image ${c.image} pinned to a version tag or digest (not latest, not untagged)`);
      for (const kind of ['requests', 'limits']) {
        for (const r of ['cpu', 'memory']) need(c.resources?.[kind]?.[r] !== undefined, `${where}: resources.${kind}.${r}`);
      }
      if (!isInit) for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) need(c[p], `${where}: ${p}`);
      const sc = c.securityContext || {};
      need((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true, `${where}: runAsNonRoot`);
      const uid = sc.runAsUser ?? pod.securityContext?.runAsUser;
      need(Number.isInteger(uid) && uid > 0, `${where}: a numeric runAsUser other than 0 (the kubelet cannot check a named image USER)`);
      need(sc.readOnlyRootFilesystem === true, `${where}: readOnlyRootFilesystem`);
      need(sc.allowPrivilegeEscalation === false, `${where}: allowPrivilegeEscalation: false`);
      need((sc.capabilities?.drop || []).includes('ALL'), `${where}: capabilities drop ALL`);
      need(!sc.privileged && !(sc.capabilities?.add || []).length, `${where}: no privileged mode, no added capabilities`);
      for (const e of c.env || []) if (e.valueFrom?.secretKeyRef) referencedSecrets.add(e.valueFrom.secretKeyRef.name);
      for (const e of c.envFrom || []) if (e.secretRef) referencedSecrets.add(e.secretRef.name);
      for (const e of c.envFrom || []) {
        if (e.configMapRef) need(configMaps.has(e.configMapRef.name) || e.configMapRef.optional, `${where}: envFrom ConfigMap ${e.configMapRef.name} exists in the render`);
      }
      for (const e of c.env || []) {
        const ref = e.valueFrom?.configMapKeyRef;
        if (ref) need((configMaps.get(ref.name)?.data || {})[ref.key] !== undefined || ref.optional, `${where}: ConfigMap key ${ref.name}/${ref.key} exists in the render`);
      }

      const grace = pod.terminationGracePeriodSeconds ?? 30;
      const stopAfter = app ? shutdownPhaseOf(app[1]) : OTHER_SHUTDOWN_PHASE;
      if (!isInit) {
        need(grace > preStopSeconds(c) + stopAfter,
          `${where}: terminationGracePeriodSeconds (${grace}) > preStop (${preStopSeconds(c)} s) + shutdown phase (${stopAfter} s)`);
      }
      if (!app) continue;

      // the relay images: the Dockerfile's user, the port the PodMonitor scrapes, the contract's variables
      const service = app[1];
      need(uid === appUid, `${where}: runAsUser ${appUid}, the USER of infra/docker/Dockerfile (is ${uid})`);
      need(preStopSeconds(c) > 0, `${where}: a preStop sleep, so endpoints drop the pod before it stops`);
      need(labels['app.kubernetes.io/name'] === service && labels['app.kubernetes.io/part-of'] === 'relay',
        `pod labels app.kubernetes.io/name=${service} and app.kubernetes.io/part-of=relay (the PodMonitor selects on them)`);
      need((c.ports || []).some((p) => p.name === 'http'), `${where}: a container port named http (scraped at /actuator/prometheus)`);
      for (const [probe, pathWanted] of [['startupProbe', '/actuator/health/liveness'], ['livenessProbe', '/actuator/health/liveness'], ['readinessProbe', '/actuator/health/readiness']]) {
        need(c[probe]?.httpGet?.path === pathWanted, `${where}: ${probe} on ${pathWanted}`);
      }
      need((c.volumeMounts || []).some((m) => m.mountPath === '/tmp'), `${where}: a writable /tmp (the JVM needs one)`);
      const names = [...(c.env || []).map((e) => e.name)];
      for (const e of c.envFrom || []) {
        if (e.configMapRef) names.push(...Object.keys(configMaps.get(e.configMapRef.name)?.data || {}).map((k) => (e.prefix || '') + k));
        if (e.secretRef) problems.push(`${where}: envFrom Secret ${e.secretRef.name} hides its variable names; use env with secretKeyRef`);
      }
      const undocumented = names.filter((n) => !contract.names.has(n));
      need(!undocumented.length, `${where}: only variables of docs/configuration.md (not: ${undocumented.join(', ')})`);
      const misplaced = names.filter((n) => contract.names.has(n) && contract.usedBy[n] && contract.usedBy[n] !== '*' && !contract.usedBy[n].includes(service));
      need(!misplaced.length, `${where}: only variables docs/configuration.md gives to ${service} (not: ${misplaced.map((n) => `${n}, for ${contract.usedBy[n].join('/')}`).join('; ')})`);
    }
    if (problems.length) for (const p of problems) fail(`${id}: ${p}`);
    else ok(`${id}: pinned images, requests and limits, probes, non-root read-only hardened containers, grace period${(pod.containers || []).some((c) => APP_IMAGE.test(c.image)) ? ', contract variables' : ''}`);
  }

  // every Deployment: a PodDisruptionBudget; in prod also exactly one autoscaler, three replicas or more, zone spread
  const pdbs = byKind('PodDisruptionBudget');
  const hpas = byKind('HorizontalPodAutoscaler');
  const scaledObjects = byKind('ScaledObject');
  for (const d of byKind('Deployment')) {
    const labels = d.spec?.template?.metadata?.labels || {};
    const id = `${overlay}: ${idOf(d)}`;
    check(pdbs.some((p) => selects(p.spec?.selector, labels)), `${id} has a PodDisruptionBudget`, `${id} has no PodDisruptionBudget`);
    if (!isProd) continue;
    const scalers = [
      ...hpas.filter((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata.name).map((h) => ({ id: idOf(h), min: h.spec.minReplicas ?? 1 })),
      ...scaledObjects.filter((s) => (s.spec?.scaleTargetRef?.kind || 'Deployment') === 'Deployment' && s.spec?.scaleTargetRef?.name === d.metadata.name).map((s) => ({ id: idOf(s), min: s.spec.minReplicaCount ?? 0 })),
    ];
    check(scalers.length === 1, `${id} has one autoscaler (${scalers.map((s) => s.id).join('')})`,
      scalers.length ? `${id} has ${scalers.length} autoscalers (${scalers.map((s) => s.id).join(', ')}): they would fight over its replicas` : `${id} has no autoscaler (HPA or ScaledObject)`);
    if (scalers.length === 1 && d.spec.replicas !== undefined) fail(`${id}: sets spec.replicas although ${scalers[0].id} owns the replica count`);
    const min = scalers.length ? Math.min(...scalers.map((s) => s.min)) : (d.spec.replicas ?? 1);
    check(min >= MIN_PROD_REPLICAS, `${id} runs ${min} replicas or more`, `${id} may run only ${min} replica(s); prod needs ${MIN_PROD_REPLICAS}`);
    const spread = d.spec?.template?.spec?.topologySpreadConstraints || [];
    check(['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].every((k) => spread.some((t) => t.topologyKey === k)),
      `${id} spreads over zones and nodes`, `${id} must spread over topology.kubernetes.io/zone and kubernetes.io/hostname`);
  }

  // Services select pods; the Ingress reaches a Service port
  const podLabels = objects.filter((o) => WORKLOADS.has(o.kind)).map((o) => podSpecOf(o)?.metadata?.labels || {});
  for (const s of byKind('Service')) {
    if (!s.spec?.selector) continue;
    check(podLabels.some((l) => matches(s.spec.selector, l)), `${overlay}: ${idOf(s)} selects pods of the render`,
      `${overlay}: ${idOf(s)} selects no pod of the render (${JSON.stringify(s.spec.selector)})`);
  }
  const ingresses = byKind('Ingress');
  for (const i of ingresses) {
    for (const b of (i.spec?.rules || []).flatMap((r) => r.http?.paths || []).map((p) => p.backend?.service)) {
      const svc = byKind('Service').find((s) => s.metadata.name === b?.name);
      const port = svc?.spec?.ports?.find((p) => p.name === b.port?.name || p.port === b.port?.number);
      if (!svc || !port) fail(`${overlay}: ${idOf(i)} routes to ${b?.name}:${b?.port?.name || b?.port?.number}, which is not a Service port of the render`);
    }
    for (const t of i.spec?.tls || []) referencedSecrets.add(t.secretName);
    check(ingresses.length === 1 && (i.spec?.rules || []).flatMap((r) => r.http?.paths || []).every((p) => p.backend?.service?.name === 'gateway'),
      `${overlay}: ${idOf(i)} leads to the gateway only`, `${overlay}: only the gateway may have an Ingress (${idOf(i)})`);
    const ports = (i.spec?.rules || []).flatMap((r) => r.http?.paths || []).map((p) => p.backend?.service?.port);
    check(ports.every((p) => p?.name === 'http' || p?.number === 8080),
      `${overlay}: ${idOf(i)} routes the gateway's public port only, never the operator's`,
      `${overlay}: ${idOf(i)} routes a gateway port other than http (the operator API must stay off every Ingress)`);
  }

  // ------------------------------------------------------------ secrets
  for (const t of byKind('TriggerAuthentication')) for (const r of t.spec?.secretTargetRef || []) referencedSecrets.add(r.name);
  for (const c of byKind('Cluster')) {
    if (c.spec?.bootstrap?.initdb?.secret) referencedSecrets.add(c.spec.bootstrap.initdb.secret.name);
    for (const r of c.spec?.managed?.roles || []) if (r.passwordSecret) referencedSecrets.add(r.passwordSecret.name);
  }
  if (isProd) {
    const withData = byKind('Secret').filter((s) => Object.keys(s.data || {}).length || Object.keys(s.stringData || {}).length);
    check(!withData.length, `${overlay}: no Secret with data in the render (they are created out of band)`,
      `${overlay}: Secrets with data in the render: ${withData.map(idOf).join(', ')}`);
    const readme = fs.existsSync(path.join(ROOT, 'k8s/README.md')) ? fs.readFileSync(path.join(ROOT, 'k8s/README.md'), 'utf8') : '';
    const untold = [...referencedSecrets].filter((s) => !readme.includes(s));
    check(!untold.length, `${overlay}: k8s/README.md tells how to create each of the ${referencedSecrets.size} Secrets the render names`,
      `${overlay}: k8s/README.md does not mention the Secrets ${untold.join(', ')}`);
  } else {
    // every Secret the render names is in it (generated), unless optional
    const optional = new Set(objects.filter((o) => WORKLOADS.has(o.kind)).flatMap((o) => [
      ...(podSpecOf(o)?.spec?.containers || []).flatMap((c) => (c.env || []).filter((e) => e.valueFrom?.secretKeyRef?.optional).map((e) => e.valueFrom.secretKeyRef.name)),
      ...(podSpecOf(o)?.spec?.volumes || []).filter((v) => v.secret?.optional).map((v) => v.secret.secretName)]));
    const missing = [...referencedSecrets].filter((s) => !secrets.has(s) && !optional.has(s));
    check(!missing.length, `${overlay}: every Secret its pods need is in the render`, `${overlay}: Secrets named but not rendered: ${missing.join(', ')}`);
  }

  // ------------------------------------------------------------ no local profile in production
  if (isProd) {
    const configMaps = byKind('ConfigMap');
    const local = objects.filter((o) => WORKLOADS.has(o.kind)).flatMap((o) => (podSpecOf(o)?.spec?.containers || []).flatMap((c) => [
      ...(c.env || []).filter((e) => e.name === 'SPRING_PROFILES_ACTIVE' && /\blocal\b/.test(e.value || '')).map(() => idOf(o)),
      ...(c.envFrom || []).map((f) => configMaps.find((m) => m.metadata.name === f.configMapRef?.name))
        .filter((m) => /\blocal\b/.test(m?.data?.SPRING_PROFILES_ACTIVE || '')).map(() => idOf(o))]));
    check(!local.length, `${overlay}: no pod runs with the local profile (the services refuse public default secrets)`,
      `${overlay}: the local profile is active in ${[...new Set(local)].join(', ')}: it accepts the repository's default secrets`);
  }

  // ------------------------------------------------------------ network policies
  const policies = byKind('NetworkPolicy');
  if (isProd) {
    const deny = policies.find((p) => p.spec?.podSelector && !Object.keys(p.spec.podSelector).length
      && ['Ingress', 'Egress'].every((t) => (p.spec.policyTypes || []).includes(t)) && !(p.spec.ingress || []).length && !(p.spec.egress || []).length);
    check(Boolean(deny), `${overlay}: NetworkPolicy ${deny && deny.metadata.name} denies all ingress and egress by default`,
      `${overlay}: no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)`);
  }
  const namespace = objects.find((o) => o.kind === 'Namespace')?.metadata?.name;
  for (const p of policies) {
    const selected = p.spec?.podSelector?.matchLabels || {};
    for (const [i, rule] of (p.spec?.ingress || []).entries()) {
      const peers = rule.from || [];
      const ports = (rule.ports || []).map((x) => x.port);
      const external = peers.length ? peers.filter((peer) => peer.ipBlock || (peer.namespaceSelector
        && peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] !== namespace)) : [{ anywhere: true }];
      for (const peer of external) {
        const ns = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
        const allowed = (selected['app.kubernetes.io/name'] === 'gateway' && Object.keys(selected).length === 1)
          || (ns === MONITORING_NS && !peer.podSelector)
          || EXTERNAL_INGRESS_ALLOWED.some((a) => a.namespace === ns && matches(a.selects, selected) && ports.length && ports.every((x) => a.ports.includes(x)));
        check(allowed, `${overlay}: NetworkPolicy ${p.metadata.name} ingress[${i}] from ${ns || 'outside'}: ${selected['app.kubernetes.io/name'] === 'gateway' ? 'the gateway' : ns === MONITORING_NS ? 'scraping' : (EXTERNAL_INGRESS_ALLOWED.find((a) => a.namespace === ns) || {}).why}`,
          `${overlay}: NetworkPolicy ${p.metadata.name} ingress[${i}] lets ${JSON.stringify(peer)} in from outside the namespace; only the gateway may be reached from outside (and the monitoring namespace scrape)`);
      }
    }
  }

  // ------------------------------------------------------------ the overlay's own files
  const kustomization = path.join(ROOT, 'k8s/overlays', overlay, 'kustomization.yaml');
  if (fs.existsSync(kustomization)) {
    const k = YAML.parse(fs.readFileSync(kustomization, 'utf8')) || {};
    const tagged = new Set((k.images || []).filter((i) => i.newTag || i.digest).map((i) => i.newName || i.name));
    const appImages = new Set(objects.filter((o) => WORKLOADS.has(o.kind)).flatMap((o) => (podSpecOf(o)?.spec?.containers || []).map((c) => c.image))
      .filter((img) => APP_IMAGE.test(img)).map((img) => img.replace(/[:@].*$/, '')));
    const untagged = [...appImages].filter((img) => !tagged.has(img));
    check(!untagged.length, `${overlay}: its kustomization.yaml sets the tag of all ${appImages.size} relay images (images:)`,
      `${overlay}: its kustomization.yaml does not set the tag of ${untagged.join(', ')} (images: newTag)`);
  }
}

// dev's copy of the database init script (kustomize reads no file outside the overlay)
{
  const copy = path.join(ROOT, 'k8s/overlays/dev/postgres-init.sql');
  const original = path.join(ROOT, 'infra/postgres/init.sql');
  if (fs.existsSync(copy)) {
    check(fs.readFileSync(copy, 'utf8') === fs.readFileSync(original, 'utf8'), `${rel(copy)} is the same as ${rel(original)}`,
      `${rel(copy)} differs from ${rel(original)}: copy it again`);
  }
}

console.log(failures ? `\n${failures} problem(s) found` : '\nall checks passed');
process.exit(failures ? 1 : 0);
