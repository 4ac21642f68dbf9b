// The public OpenAPI document (gateway/src/main/resources/static/openapi.json) under Redocly's
// `recommended` ruleset (npm: @redocly/openapi-core, the library behind @redocly/cli), offline:
// nothing is fetched, no redocly.yaml is read. openapi-lint.test.mjs tests it; `npm test` here runs it.
//
// Usage: node openapi-lint.mjs [DOCUMENT]   (default: the gateway's openapi.json in this repository)
// Environment (optional):
//   CHECK_NODE_MODULES  the node_modules directory holding package.json's packages (default:
//                       resolved from this directory, as node does); infra/checks/tools.sh
//                       node-modules installs them and prints it
//
// Output: one line per problem, `FAIL <ruleId> <pointer> <message>` for an error and
// `WARN <ruleId> <pointer> <message>` for a warning (the pointer is the JSON pointer into the
// document), then a count. Exits 1 on any error (warnings alone do not fail), 2 when it cannot run.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_DOCUMENT = path.join(HERE, '../../gateway/src/main/resources/static/openapi.json');

const require = createRequire(process.env.CHECK_NODE_MODULES
  ? path.join(process.env.CHECK_NODE_MODULES, 'noop.js') : import.meta.url);
async function need(name) {
  let resolved;
  try { resolved = require.resolve(name); } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    console.error(`FAIL  npm package ${name} not found: set CHECK_NODE_MODULES="$(infra/checks/tools.sh node-modules)"`);
    process.exit(2);
  }
  return import(pathToFileURL(resolved).href); // an ES module: import it from where it was found
}
const { createConfig, lint } = await need('@redocly/openapi-core');

const document = path.resolve(process.argv[2] || DEFAULT_DOCUMENT);
if (!fs.statSync(document, { throwIfNoEntry: false })?.isFile()) {
  console.error(`FAIL  no document at ${document}`);
  process.exit(2);
}

// `recommended` as the library ships it; the same as `redocly lint --extends recommended`
const config = await createConfig({ extends: ['recommended'] });
const problems = await lint({ ref: document, config });

const pointer = (problem) => {
  const location = problem.location?.[0];
  if (!location) return '#';
  return location.pointer || '#';
};
const line = (problem) =>
  `${problem.severity === 'error' ? 'FAIL' : 'WARN'} ${problem.ruleId} ${pointer(problem)} ${problem.message.replace(/\s+/g, ' ').trim()}`;

const errors = problems.filter((p) => p.severity === 'error');
const warnings = problems.filter((p) => p.severity === 'warn');
for (const p of [...errors, ...warnings]) console.log(line(p));
console.log(`${errors.length} error(s), ${warnings.length} warning(s): ${path.basename(document)} under Redocly's recommended rules`);
process.exit(errors.length ? 1 : 0);
