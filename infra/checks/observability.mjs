// The offline checks of the monitoring component (k8s/components/monitoring): alert rules, their
// unit tests, the Grafana dashboard and the Kustomize rendering. No cluster, Prometheus or Grafana
// needed. infra/check-observability.sh finds promtool and the npm packages (package.json here) and
// runs this; observability.test.mjs tests it.
//
// Usage: node observability.mjs          check; exit 1 on any FAIL
//        node observability.mjs --fix    first regenerate prometheusrule.yaml from the rules file
// Environment:
//   PROMTOOL            promtool (default: promtool on the PATH); infra/checks/tools.sh promtool finds one
//   ROOT                the repository (default: the one this file is in)
//   CHECK_NODE_MODULES  the node_modules directory holding package.json's packages (default:
//                       resolved from this directory, as node does)
// kubectl comes from the PATH.
//
// What it checks (each line of its output names one check):
//   - promtool check rules on rules/relay.rules.yml, and promtool test rules on relay.rules.test.yml;
//   - every alert: a severity label (critical, warning or info), summary and description
//     annotations, a runbook_url docs/runbook.md#<section> naming one of the runbook's sections
//     (and, once docs/runbook.md exists, a heading it has); the alerts the platform relies on are
//     all there; each alert has a test where it fires and one where it stays silent;
//   - prometheusrule.yaml is exactly what --fix generates from rules/relay.rules.yml (one source:
//     promtool needs a plain rule file, the Prometheus Operator a PrometheusRule);
//   - dashboards/relay-overview.json: parses, is a Grafana dashboard with the ${datasource}
//     (Prometheus), application and tenant variables, every panel and query on ${datasource},
//     every PromQL expression (Grafana variables substituted) parses with promtool;
//   - rules and dashboard use only the metric names of the metrics contract (plus jvm_*,
//     process_* and up) and only known label names;
//   - kubectl kustomize renders the component inside a throw-away kustomization: a PodMonitor,
//     a PrometheusRule whose spec equals the rules file, and the dashboard ConfigMap with its
//     Grafana sidecar label and no name hash; rendered with k8s/base (when it exists), the
//     PodMonitor selects the pods of the gateway and all five services, each with a port "http".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(process.env.CHECK_NODE_MODULES
  ? path.join(process.env.CHECK_NODE_MODULES, 'noop.js') : import.meta.url);
const need = (name) => {
  try { return require(name); } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    console.error(`FAIL  npm package ${name} not found: run infra/check-observability.sh, or set CHECK_NODE_MODULES="$(infra/checks/tools.sh node-modules)"`);
    process.exit(1);
  }
};
const YAML = need('yaml');

const FIX = process.argv[2] === '--fix';
if (process.argv.length > 3 || (process.argv[2] !== undefined && !FIX)) {
  console.error('usage: infra/check-observability.sh [--fix]');
  process.exit(2);
}
const realpath = (p) => { try { return fs.realpathSync(p); } catch { return path.resolve(p); } };
const ROOT = realpath(process.env.ROOT || path.join(path.dirname(fileURLToPath(import.meta.url)), '../..'));
const MON = path.join(ROOT, 'k8s/components/monitoring');
const RULES = path.join(MON, 'rules/relay.rules.yml');
const TESTS = path.join(MON, 'rules/relay.rules.test.yml');
const PROMRULE = path.join(MON, 'prometheusrule.yaml');
const DASHBOARD = path.join(MON, 'dashboards/relay-overview.json');
const PROMTOOL = process.env.PROMTOOL || 'promtool';
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'check-observability-'));
process.on('exit', () => fs.rmSync(WORK, { recursive: true, force: true }));

let passed = 0;
let failed = 0;
const ok = (m) => { console.log(`ok    ${m}`); passed++; };
const fail = (m) => { console.log(`FAIL  ${m}`); failed++; };
const note = (m) => console.log(`note  ${m}`);
const details = (lines) => lines.slice(0, 15).forEach((l) => console.log(`      ${l}`));
// Each line of a command's output, indented under the check it belongs to.
const indent = (text) => text.replace(/\n$/, '').split('\n').forEach((l) => console.log(`      ${l}`));
const relRoot = (f) => path.relative(ROOT, f);
function finish() {
  console.log();
  console.log(`check-observability: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
// Runs a command; `out` is its stdout and stderr interleaved as a terminal shows them (one file for
// both), without trailing newlines, like "$(command 2>&1)".
function run(command, args, options = {}) {
  const file = path.join(WORK, 'command.out');
  const fd = fs.openSync(file, 'w');
  let result;
  try {
    result = spawnSync(command, args, { ...options, stdio: ['ignore', fd, fd] });
  } finally {
    fs.closeSync(fd);
  }
  const out = result.error ? `${command}: ${result.error.message}` : fs.readFileSync(file, 'utf8');
  return { ok: !result.error && result.status === 0, out: out.replace(/\n+$/, '') };
}
// Runs one group of checks; one that throws is a FAIL of its own, after what it printed.
function guarded(what, checks) {
  try {
    return checks();
  } catch (e) {
    console.error(e && e.stack ? e.stack : e);
    fail(`the ${what} checks crashed`);
    return undefined;
  }
}
const onPath = (command) => (process.env.PATH || '').split(':').filter(Boolean).some((dir) => {
  try { fs.accessSync(path.join(dir, command), fs.constants.X_OK); return fs.statSync(path.join(dir, command)).isFile(); } catch { return false; }
});

// ------------------------------------------------------------------ what the contract allows
// The metrics contract (Micrometer's Prometheus names), plus the JVM/process meters and `up`.
const METRICS = new Set([
  'relay_messages_accepted_total',
  'relay_message_status_total',
  'relay_message_end_to_end_seconds_bucket', 'relay_message_end_to_end_seconds_count', 'relay_message_end_to_end_seconds_sum',
  'relay_scheduler_lag_seconds_bucket', 'relay_scheduler_lag_seconds_count', 'relay_scheduler_lag_seconds_sum',
  'relay_queue_messages',
  'relay_consumer_messages_total',
  'relay_provider_misconfigured_total',
  // routing's accept bound and the gateway's answers to outages (docs/runbook.md#observe)
  'relay_accepts_turned_away_total', 'relay_gateway_upstream_failures_total',
  // sends and failovers per provider account (docs/providers.md)
  'relay_provider_sends_total', 'relay_provider_failovers_total',
  'resilience4j_circuitbreaker_state',
  'resilience4j_circuitbreaker_calls_seconds_count',
  'http_server_requests_seconds_count', 'http_server_requests_seconds_bucket',
  'up',
]);
const metricAllowed = (m) => METRICS.has(m) || /^(jvm|process)_[a-z0-9_]+$/.test(m);
const LABELS = new Set([
  // contract labels
  'application', 'tenant', 'channel', 'status', 'le', 'queue', 'outcome', 'name', 'state', 'kind',
  'method', 'uri', 'exception', 'error', 'provider',
  // JVM meters
  'area', 'id', 'action', 'cause', 'gc',
  // target labels the Prometheus Operator adds to PodMonitor targets
  'job', 'instance', 'namespace', 'pod', 'container', 'endpoint',
]);
const ANCHORS = ['deploy', 'scale', 'rotate-keys', 'drain-a-node', 'replay-the-parking-queue',
  'a-provider-refuses-our-account', 'routing-turns-messages-away', 'restore-after-a-broker-loss'];
const REQUIRED_ALERTS = ['ParkingQueueNotEmpty', 'SchedulerLagHigh', 'CircuitBreakerOpen', 'HighErrorRate',
  'DeliveryFailureRate', 'EndToEndLatencyHigh', 'QueueBacklogGrowing', 'RelayTargetDown'];

// --- a small PromQL scanner: which metric names and label names does an expression use?
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
  'offset', 'bool', 'inf', 'nan', 'start', 'end', 'atan2']);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const AGGREGATORS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values',
  'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
function scan(expr) {
  const re = /\s+|#[^\n]*|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`|[A-Za-z_:][A-Za-z0-9_:]*|\d[\w.]*|=~|!~|!=|==|>=|<=|./gsy;
  const toks = [];
  let m;
  while ((m = re.exec(expr)) !== null && m[0] !== '') {
    if (!/^(\s|#)/.test(m[0])) toks.push(m[0]);
  }
  const metrics = new Set();
  const labels = new Set();
  const isIdent = (t) => /^[A-Za-z_:][A-Za-z0-9_:]*$/.test(t);
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const next = toks[i + 1];
    if (t === '{') {
      for (i++; i < toks.length && toks[i] !== '}'; i++) {
        if (isIdent(toks[i]) && ['=', '!=', '=~', '!~'].includes(toks[i + 1])) labels.add(toks[i]);
      }
    } else if (t === '[') {
      while (i < toks.length && toks[i] !== ']') i++;
    } else if (isIdent(t)) {
      const lower = t.toLowerCase();
      if (GROUPING.has(lower) && next === '(') {
        for (i += 2; i < toks.length && toks[i] !== ')'; i++) if (isIdent(toks[i])) labels.add(toks[i]);
      } else if (KEYWORDS.has(lower) || next === '(' || AGGREGATORS.has(t)) {
        // operator, function or aggregation
      } else {
        metrics.add(t);
      }
    }
  }
  return { metrics, labels };
}
function checkNames(what, exprs) {
  const bad = [];
  const used = new Set();
  for (const { where, expr } of exprs) {
    const { metrics, labels } = scan(expr);
    for (const mt of metrics) { used.add(mt); if (!metricAllowed(mt)) bad.push(`${where}: metric ${mt} is not in the metrics contract`); }
    for (const l of labels) if (!LABELS.has(l)) bad.push(`${where}: label ${l} is not a known label`);
  }
  if (bad.length) { fail(`${what}: unknown metric or label names`); details(bad); }
  else ok(`${what}: ${used.size} metric names, all in the metrics contract; label names known`);
}

// ------------------------------------------------------------------ rules and their tests
function checkRules() {
  const rulesDoc = YAML.parse(fs.readFileSync(RULES, 'utf8'));
  const alerts = rulesDoc.groups.flatMap((g) => g.rules.filter((r) => r.alert).map((r) => ({ group: g.name, ...r })));
  {
    const problems = [];
    const seen = new Set();
    let runbook = null;
    const runbookPath = path.join(ROOT, 'docs', 'runbook.md');
    if (fs.existsSync(runbookPath)) {
      // GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens
      runbook = new Set(fs.readFileSync(runbookPath, 'utf8').split('\n')
        .filter((l) => /^#{1,6}\s/.test(l))
        .map((l) => l.replace(/^#+\s*/, '').trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')));
    }
    for (const a of alerts) {
      if (seen.has(a.alert)) problems.push(`${a.alert}: defined twice`);
      seen.add(a.alert);
      const sev = a.labels && a.labels.severity;
      if (!['critical', 'warning', 'info'].includes(sev)) problems.push(`${a.alert}: severity label is ${sev}, not critical, warning or info`);
      const ann = a.annotations || {};
      for (const k of ['summary', 'description', 'runbook_url']) if (!ann[k] || !String(ann[k]).trim()) problems.push(`${a.alert}: no ${k} annotation`);
      const rb = /^docs\/runbook\.md#([a-z0-9-]+)$/.exec(ann.runbook_url || '');
      if (!rb) problems.push(`${a.alert}: runbook_url ${ann.runbook_url} is not docs/runbook.md#<section>`);
      else if (!ANCHORS.includes(rb[1])) problems.push(`${a.alert}: runbook_url anchor #${rb[1]} is none of #${ANCHORS.join(', #')}`);
      else if (runbook && !runbook.has(rb[1])) problems.push(`${a.alert}: docs/runbook.md has no heading for #${rb[1]}`);
      if (!a.for) problems.push(`${a.alert}: no 'for' (alerts on a single evaluation)`);
    }
    for (const r of REQUIRED_ALERTS) if (!seen.has(r)) problems.push(`alert ${r} is missing`);
    if (problems.length) { fail('rules: alert labels, annotations and runbook links'); details(problems); }
    else ok(`rules: ${alerts.length} alerts, each with severity, summary, description and a runbook_url section`
      + (runbook ? ' found in docs/runbook.md' : ' (docs/runbook.md not there yet: anchors checked against its agreed sections)'));
  }
  checkNames('rules', alerts.map((a) => ({ where: a.alert, expr: String(a.expr) })));
  {
    const testsDoc = YAML.parse(fs.readFileSync(TESTS, 'utf8'));
    const cases = {};
    for (const t of testsDoc.tests || []) for (const c of t.alert_rule_test || []) {
      cases[c.alertname] ??= { fires: 0, silent: 0 };
      if ((c.exp_alerts || []).length) cases[c.alertname].fires++; else cases[c.alertname].silent++;
    }
    const missing = [];
    for (const a of alerts) {
      const c = cases[a.alert] || { fires: 0, silent: 0 };
      if (!c.fires) missing.push(`${a.alert}: no test where it fires`);
      if (!c.silent) missing.push(`${a.alert}: no test where it stays silent`);
    }
    for (const name of Object.keys(cases)) if (!alerts.some((a) => a.alert === name)) missing.push(`tests name ${name}, which is no alert`);
    if (missing.length) { fail('rule tests: a firing and a silent case for every alert'); details(missing); }
    else ok(`rule tests: every alert has a firing and a silent case (${Object.values(cases).reduce((n, c) => n + c.fires + c.silent, 0)} cases)`);
  }
}

// ------------------------------------------------------------------ dashboard
// Writes the dashboard's PromQL as a rule file for promtool to parse (WORK/dashboard.rules.json).
let dashboardExpressions = 0;
function checkDashboard() {
  let dash;
  try {
    dash = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8'));
    ok('dashboard: relay-overview.json parses');
  } catch (e) {
    fail(`dashboard: relay-overview.json does not parse: ${e.message}`);
    return;
  }
  {
    const problems = [];
    const size = fs.statSync(DASHBOARD).size;
    // kubectl apply (client side) copies the ConfigMap into an annotation limited to 256 KiB
    if (size > 200 * 1024) problems.push(`${size} bytes: keep it under 200 KiB (kubectl apply's annotation limit is 256 KiB)`);
    if (!dash.uid || !dash.title) problems.push('no uid or title');
    if (typeof dash.schemaVersion !== 'number') problems.push('no schemaVersion');
    const vars = (dash.templating && dash.templating.list) || [];
    const byName = Object.fromEntries(vars.map((v) => [v.name, v]));
    const dsVar = byName.datasource;
    if (!dsVar || dsVar.type !== 'datasource' || dsVar.query !== 'prometheus') problems.push('no template variable "datasource" of type datasource with query prometheus');
    for (const n of ['application', 'tenant']) {
      const v = byName[n];
      if (!v || v.type !== 'query') problems.push(`no query template variable "${n}"`);
      else if (!v.datasource || v.datasource.uid !== '${datasource}') problems.push(`variable ${n} does not query \${datasource}`);
    }
    const all = [];
    const walk = (ps) => { for (const p of ps || []) { all.push(p); walk(p.panels); } };
    walk(dash.panels);
    const ids = new Set();
    const queryPanels = all.filter((p) => p.type !== 'row');
    for (const p of all) {
      if (ids.has(p.id)) problems.push(`panel id ${p.id} used twice`);
      ids.add(p.id);
      if (!p.gridPos) problems.push(`panel "${p.title}" has no gridPos`);
    }
    for (const p of queryPanels) {
      if (!p.datasource || p.datasource.uid !== '${datasource}') problems.push(`panel "${p.title}": datasource is not \${datasource}`);
      if (!(p.targets || []).length) problems.push(`panel "${p.title}": no query`);
      for (const t of p.targets || []) {
        if (!t.expr || !String(t.expr).trim()) problems.push(`panel "${p.title}" ${t.refId}: empty expr`);
        if (t.datasource && t.datasource.uid !== '${datasource}') problems.push(`panel "${p.title}" ${t.refId}: datasource is not \${datasource}`);
      }
    }
    if (problems.length) { fail('dashboard: structure'); details(problems); }
    else ok(`dashboard: ${queryPanels.length} panels, all on \${datasource}; variables datasource (prometheus), application, tenant`);

    // Every query, with Grafana's variables substituted, as a recording rule: promtool parses it.
    const subst = (e) => String(e)
      .replace(/\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g, '5m')
      .replace(/\$\{[^}]+\}|\[\[[^\]]+\]\]|\$[A-Za-z_]\w*/g, 'x');
    const exprs = [];
    let n = 0;
    for (const p of queryPanels) for (const t of p.targets || []) {
      n++;
      exprs.push({ record: `dashboard:panel_${p.id}_${t.refId || n}`, where: `panel "${p.title}" ${t.refId}`, expr: subst(t.expr) });
    }
    for (const v of vars.filter((v) => v.type === 'query')) {
      const q = typeof v.query === 'string' ? v.query : (v.query && v.query.query) || v.definition || '';
      const lv = /^\s*label_values\((.*),\s*([A-Za-z_]\w*)\s*\)\s*$/s.exec(q);
      if (lv) exprs.push({ record: `dashboard:variable_${v.name}`, where: `variable ${v.name}`, expr: subst(lv[1]) });
      else if (!/^\s*label_values\(\s*[A-Za-z_]\w*\s*\)\s*$/.test(q)) exprs.push({ record: `dashboard:variable_${v.name}`, where: `variable ${v.name}`, expr: subst(q) });
    }
    const ruleFile = { groups: [{ name: 'dashboard', rules: exprs.map(({ record, expr }) => ({ record, expr })) }] };
    fs.writeFileSync(path.join(WORK, 'dashboard.rules.json'), JSON.stringify(ruleFile, null, 2));
    dashboardExpressions = exprs.length;
    checkNames('dashboard', exprs);
  }
}

// ------------------------------------------------------------------ kustomize rendering
// The component alone, rendered inside a throw-away kustomization (WORK/rendered.yaml).
function checkRendering() {
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(WORK, 'rendered.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean);
  const problems = [];
  const one = (kind) => {
    const found = docs.filter((d) => d.kind === kind);
    if (found.length !== 1) problems.push(`${found.length} ${kind} objects, expected 1`);
    return found[0] || {};
  };
  const pm = one('PodMonitor');
  const pr = one('PrometheusRule');
  const cm = one('ConfigMap');
  if (docs.length !== 3) problems.push(`${docs.length} objects, expected 3: ${docs.map((d) => d.kind).join(', ')}`);
  for (const d of [pm, pr]) if (d.apiVersion !== 'monitoring.coreos.com/v1') problems.push(`${d.kind}: apiVersion ${d.apiVersion}`);
  for (const d of docs) if (d.metadata.namespace !== 'relay-check') problems.push(`${d.kind} ${d.metadata.name} does not take the overlay's namespace`);
  const sel = pm.spec && pm.spec.selector && pm.spec.selector.matchLabels;
  if (!sel || sel['app.kubernetes.io/part-of'] !== 'relay') problems.push('PodMonitor does not select app.kubernetes.io/part-of: relay');
  const ep = ((pm.spec && pm.spec.podMetricsEndpoints) || [])[0] || {};
  if (ep.port !== 'http' || ep.path !== '/actuator/prometheus') problems.push('PodMonitor does not scrape port http, path /actuator/prometheus');
  if (!pr.spec || !util.isDeepStrictEqual(pr.spec, YAML.parse(fs.readFileSync(RULES, 'utf8')))) problems.push('the rendered PrometheusRule spec differs from rules/relay.rules.yml');
  if (cm.metadata) {
    if (cm.metadata.name !== 'relay-grafana-dashboard') problems.push(`dashboard ConfigMap is named ${cm.metadata.name} (hash suffix?), expected relay-grafana-dashboard`);
    if (!cm.metadata.labels || cm.metadata.labels.grafana_dashboard !== '1') problems.push('dashboard ConfigMap lacks the label grafana_dashboard: "1"');
    if (!cm.data || cm.data['relay-overview.json'] !== fs.readFileSync(DASHBOARD, 'utf8')) problems.push('dashboard ConfigMap does not hold dashboards/relay-overview.json as it is');
  }
  if (problems.length) {
    fail('kustomize: rendered component');
    problems.forEach((p) => console.log(`      ${p}`));
  } else {
    ok('kustomize: component renders: PodMonitor relay, PrometheusRule relay (= rules file), ConfigMap relay-grafana-dashboard (grafana_dashboard: "1", no hash)');
  }
}

// With the platform's base (WORK/rendered-base.yaml): the PodMonitor must select every service's
// pods, on a port named http.
function checkWithBase() {
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(WORK, 'rendered-base.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean);
  const pm = docs.find((d) => d.kind === 'PodMonitor');
  const sel = (pm && pm.spec.selector.matchLabels) || {};
  const port = pm && pm.spec.podMetricsEndpoints[0].port;
  const problems = [];
  const names = [];
  for (const d of docs.filter((x) => ['Deployment', 'StatefulSet'].includes(x.kind))) {
    const labels = d.spec.template.metadata.labels || {};
    if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) continue;
    names.push(d.metadata.name);
    const ports = d.spec.template.spec.containers.flatMap((c) => (c.ports || []).map((p) => p.name));
    if (!ports.includes(port)) problems.push(`${d.kind} ${d.metadata.name}: no container port named ${port}`);
  }
  for (const want of ['gateway', 'preference-service', 'routing-service', 'sms-service', 'email-service', 'push-service']) {
    if (!names.includes(want)) problems.push(`the PodMonitor does not select the pods of ${want}`);
  }
  if (problems.length) {
    fail('kustomize: k8s/base with the component: PodMonitor against the pods');
    problems.forEach((p) => console.log(`      ${p}`));
  } else {
    ok(`kustomize: with k8s/base the PodMonitor selects ${names.length} workloads (${names.join(', ')}), each with a port named ${port}`);
  }
}

// Renders WORK/<dir>/kustomization.yaml into WORK/<output>; stderr goes under the FAIL.
function kustomize(dir, output, what) {
  const result = spawnSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', path.join(WORK, dir)],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (!result.error && result.status === 0) {
    fs.writeFileSync(path.join(WORK, output), result.stdout);
    return true;
  }
  fail(what);
  const err = result.error ? `${result.error.message}\n` : result.stderr;
  if (err) indent(err);
  return false;
}
// kustomize takes no absolute component path: point at it relative to the throw-away overlay.
const relativeTo = (dir, target) => path.relative(realpath(path.join(WORK, dir)), realpath(target));

// ------------------------------------------------------------------ the checks, in order
{
  const version = run(PROMTOOL, ['--version']);
  const first = version.out.split('\n')[0];
  if (version.ok) ok(`promtool: ${first} (${PROMTOOL})`);
  else { fail(`promtool at ${PROMTOOL} does not run: ${first}`); finish(); }
}

for (const f of [RULES, TESTS, DASHBOARD, path.join(MON, 'kustomization.yaml'), path.join(MON, 'podmonitor.yaml')]) {
  if (!fs.statSync(f, { throwIfNoEntry: false })?.isFile()) fail(`missing ${relRoot(f)}`);
}
if (failed) finish();

// PrometheusRule from the rules file: the rules file minus its leading comment block, indented
// under spec: (a rule file's top level is `groups:`, which is also what a PrometheusRule's spec holds).
const PROMRULE_HEAD = `# GENERATED from rules/relay.rules.yml by \`infra/check-observability.sh --fix\`: do not edit; edit
# the rules file and run that command (the check fails while this file differs from what it makes).
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: relay
  labels:
    app.kubernetes.io/part-of: relay
    app.kubernetes.io/component: monitoring
spec:
`;
function generatePrometheusRule() {
  const lines = fs.readFileSync(RULES, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let started = false;
  let out = PROMRULE_HEAD;
  for (const line of lines) {
    if (!started && /^(#|\s*$)/.test(line)) continue;
    started = true;
    out += `${line === '' ? '' : `  ${line}`}\n`;
  }
  return Buffer.from(out);
}
{
  const generated = generatePrometheusRule();
  const generatedFile = path.join(WORK, 'prometheusrule.yaml');
  fs.writeFileSync(generatedFile, generated);
  const current = () => (fs.statSync(PROMRULE, { throwIfNoEntry: false })?.isFile() ? fs.readFileSync(PROMRULE) : null);
  if (FIX) {
    if (current() && current().equals(generated)) {
      console.log('prometheusrule.yaml was up to date');
    } else {
      fs.writeFileSync(PROMRULE, generated);
      console.log(`wrote ${relRoot(PROMRULE)}`);
    }
  }
  if (!current()) {
    fail('prometheusrule.yaml is missing: run infra/check-observability.sh --fix');
  } else if (current().equals(generated)) {
    ok('prometheusrule.yaml is generated from rules/relay.rules.yml and up to date');
  } else {
    fail('prometheusrule.yaml differs from what rules/relay.rules.yml generates: run infra/check-observability.sh --fix');
    const diff = spawnSync('diff', ['-u', PROMRULE, generatedFile], { encoding: 'utf8' });
    const lines = (diff.stdout || '').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines.slice(0, 20).forEach((l) => console.log(`      ${l}`));
  }
}

// promtool on the rules
{
  const check = run(PROMTOOL, ['check', 'rules', RULES]);
  if (check.ok) ok(`promtool check rules: ${(check.out.match(/[0-9]* rules found/g) || [check.out]).join('\n')}`);
  else { fail('promtool check rules rules/relay.rules.yml'); indent(check.out); }
  const test = run(PROMTOOL, ['test', 'rules', path.basename(TESTS)], { cwd: path.dirname(TESTS) });
  if (test.ok) ok(`promtool test rules: ${fs.readFileSync(TESTS, 'utf8').split('\n').filter((l) => /^ {2}- name:/.test(l)).length} test groups pass`);
  else { fail('promtool test rules rules/relay.rules.test.yml'); indent(test.out); }
}

// rule, test and dashboard content
guarded('content', () => { checkRules(); checkDashboard(); });
if (fs.existsSync(path.join(WORK, 'dashboard.rules.json'))) {
  // promtool reads YAML, and JSON is YAML
  const check = run(PROMTOOL, ['check', 'rules', '--lint=none', path.join(WORK, 'dashboard.rules.json')]);
  if (check.ok) ok(`dashboard: all ${dashboardExpressions} PromQL expressions parse (promtool, Grafana variables substituted)`);
  else { fail('dashboard: PromQL that does not parse (record name dashboard:panel_<id>_<refId>)'); indent(check.out); }
}

// kustomize rendering
if (!onPath('kubectl')) {
  fail('kubectl is not installed: cannot render the component');
} else {
  fs.mkdirSync(path.join(WORK, 'overlay'));
  fs.writeFileSync(path.join(WORK, 'overlay/kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: relay-check
components:
  - ${relativeTo('overlay', MON)}
`);
  if (kustomize('overlay', 'rendered.yaml', 'kubectl kustomize of the component (through a throw-away kustomization)')) {
    guarded('rendering', checkRendering);
  }

  if (fs.statSync(path.join(ROOT, 'k8s/base/kustomization.yaml'), { throwIfNoEntry: false })?.isFile()) {
    fs.mkdirSync(path.join(WORK, 'with-base'));
    fs.writeFileSync(path.join(WORK, 'with-base/kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: relay-check
resources:
  - ${relativeTo('with-base', path.join(ROOT, 'k8s/base'))}
components:
  - ${relativeTo('with-base', MON)}
`);
    if (kustomize('with-base', 'rendered-base.yaml', 'kubectl kustomize of k8s/base with the component')) {
      guarded('base', checkWithBase);
    }
  } else {
    note('k8s/base/kustomization.yaml is not there: the PodMonitor is not checked against the pods');
  }
}

finish();
