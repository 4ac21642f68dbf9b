#!/usr/bin/env bash
# Checks the monitoring component (k8s/components/monitoring) offline: alert rules, their unit
# tests, the Grafana dashboard and the Kustomize rendering. No cluster, Prometheus or Grafana needed.
#
# Usage: infra/check-observability.sh          check; exit 1 on any FAIL
#        infra/check-observability.sh --fix    first regenerate prometheusrule.yaml from the rules file
#
# Each line of its output names one check. The checks are the program
# infra/checks/observability.mjs (its header lists them; infra/checks/observability.test.mjs tests
# it). This script only finds its tools and runs it; infra/checks/tools.sh puts them under
# CHECK_TOOLS_DIR (default /tmp/relay-check-tools), never the repo: promtool taken out of Debian's
# prometheus package into CHECK_TOOLS_DIR/observability/bin (apt-get download + dpkg -x, nothing
# installed system-wide, no daemon; PROMTOOL=/path/to/promtool overrides), and the npm packages of
# infra/checks/package.json (`npm ci`). kubectl comes from the PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Without its tools the check cannot start: one FAIL, and the summary line the program would print.
cannot_start() {
  printf 'FAIL  %s\n\ncheck-observability: 0 passed, 1 failed\n' "$1"
  exit 1
}
command -v node >/dev/null || cannot_start "node is not installed (apt-get install nodejs npm)"
command -v npm >/dev/null || cannot_start "npm is not installed (apt-get install npm)"
PROMTOOL="$(bash "$ROOT/infra/checks/tools.sh" promtool)" ||
  cannot_start "promtool: could not download Debian's prometheus package"
CHECK_NODE_MODULES="$(bash "$ROOT/infra/checks/tools.sh" node-modules)" || cannot_start "npm ci of infra/checks failed"
export ROOT PROMTOOL CHECK_NODE_MODULES
exec node "$ROOT/infra/checks/observability.mjs" "$@"
