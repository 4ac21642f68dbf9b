#!/usr/bin/env bash
# Checks docker-compose.yml and the Dockerfile it builds (infra/docker/Dockerfile) without a Docker engine.
#
# Usage: infra/check-compose.sh [COMPOSE_FILE]        (default: docker-compose.yml at the repo root)
#
# Each line of its output names one check; any FAIL makes it exit 1. The checks are the program
# infra/checks/compose.mjs (its header lists them; infra/checks/compose.test.mjs tests it). This
# script only installs its npm packages (infra/checks/package.json + package-lock.json, `npm ci`
# into CHECK_TOOLS_DIR, default /tmp/relay-check-tools, never the repo) and runs it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

command -v node >/dev/null || { echo "FAIL node is not installed (apt-get install nodejs npm)" >&2; exit 1; }
command -v npm >/dev/null || { echo "FAIL npm is not installed (apt-get install npm)" >&2; exit 1; }

CHECK_NODE_MODULES="$(bash "$ROOT/infra/checks/tools.sh" node-modules)"
export ROOT CHECK_NODE_MODULES
exec node "$ROOT/infra/checks/compose.mjs" "$@"
