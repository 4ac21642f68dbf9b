// What the tests of the check programs share: the repository, its tools, throw-away copies of it,
// and a run of a program with its output cut into lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CHECKS = path.dirname(fileURLToPath(import.meta.url));
export const REPO = fs.realpathSync(path.join(CHECKS, '../..'));

// The tools the launchers use, found or installed the same way (tools.sh: a cache directory, never
// the repository), unless the environment already names them.
function tool(variable, what) {
  if (process.env[variable]) return process.env[variable];
  return execFileSync('bash', [path.join(CHECKS, 'tools.sh'), what], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}
let modules;
export const nodeModules = () => (modules ??= tool('CHECK_NODE_MODULES', 'node-modules'));
let promtool;
export const promtoolPath = () => (promtool ??= tool('PROMTOOL', 'promtool'));

// A fresh directory holding copies of the repository's files and folders `paths` (build output and
// node_modules left out); removed when the test ends.
export function copyOfRepo(t, paths) {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'relay-checks-test-')));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  for (const p of paths) {
    fs.cpSync(path.join(REPO, p), path.join(root, p), {
      recursive: true,
      filter: (src) => !['target', 'node_modules', '.git'].includes(path.basename(src)),
    });
  }
  return root;
}

// Replaces `from` (which must be there) by `to` in the file `file` under `root`.
export function edit(root, file, from, to) {
  const full = path.join(root, file);
  const text = fs.readFileSync(full, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  fs.writeFileSync(full, text.replace(from, to));
}

// Runs infra/checks/<program> with the given arguments and environment.
export function runCheck(program, { args = [], env = {} } = {}) {
  const result = spawnSync(process.execPath, [path.join(CHECKS, program), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CHECK_NODE_MODULES: nodeModules(), ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = result.stdout.split('\n');
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    lines,
    fails: lines.filter((l) => l.startsWith('FAIL')),
    // what a failure shows: the FAIL line and the detail lines under it
    report: `${result.stdout}\n${result.stderr}`,
  };
}
