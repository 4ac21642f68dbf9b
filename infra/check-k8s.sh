#!/usr/bin/env bash
# Checks the Kubernetes manifests under k8s/ without a cluster.
#
# Usage: infra/check-k8s.sh
#
# Renders every overlay under k8s/overlays/* with `kubectl kustomize` (a render that fails is a
# FAIL), then checks each rendered object. Each line of output names one check; any FAIL makes it
# exit 1.
#   (a) schemas, offline: every object against the Kubernetes (kubernetes-models) and CRD schemas
#       (@kubernetes-models/keda, cloudnative-pg, prometheus-operator, grafana-operator) — types,
#       formats, enums, required fields — and, since those validators accept anything they do not
#       know, an unknown-field walk of each object against the packages' TypeScript declarations,
#       which are generated from the same schemas. RabbitmqCluster has no package: a hand-written
#       schema (infra/k8s-check/rabbitmqcluster.schema.json, additionalProperties false) stands in.
#       A kind with no schema at all fails.
#   (b) policy: images pinned (no latest, no untagged); cpu and memory requests and limits;
#       startup, liveness and readiness probes; runAsNonRoot with a numeric uid, read-only root
#       filesystem, no privilege escalation, capabilities drop ALL, seccomp RuntimeDefault;
#       automountServiceAccountToken false on every ServiceAccount and pod; grace period longer
#       than preStop + the service's shutdown phase (its application.yml); for the relay images:
#       the Dockerfile's uid, a preStop sleep, actuator probes, a port named http, /tmp, and only
#       variables of docs/configuration.md meant for that service (env and envFrom ConfigMaps);
#       every Deployment has a PodDisruptionBudget; Services select pods, the Ingress reaches the
#       gateway only; the overlay's images: sets every relay image's tag.
#       prod only: one autoscaler per Deployment (HPA or KEDA ScaledObject, never both), 3 replicas
#       or more, spread over zones and nodes, no Secret with data, every named Secret explained in
#       k8s/README.md, a default-deny NetworkPolicy, and no ingress from outside the namespace but
#       to the gateway, from the monitoring namespace, or the operator/KEDA ports allowed by name.
#   What it cannot see: whether the cluster has the CRDs and operators, admission webhooks' own
#   rules (e.g. KEDA's), values that are valid but wrong (a host name, a password), and fields of
#   objects typed as free-form (ConfigMap data, CRD fields declared as arbitrary JSON).
#
# The npm packages (infra/k8s-check/package.json + package-lock.json) are installed with `npm ci`
# into CHECK_TOOLS_DIR (default /tmp/relay-check-tools), never into the repo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHECK_DIR="$ROOT/infra/k8s-check"
TOOLS_DIR="${CHECK_TOOLS_DIR:-/tmp/relay-check-tools}"

for tool in kubectl node npm; do
  command -v "$tool" >/dev/null || { echo "FAIL $tool is not installed" >&2; exit 1; }
done

# Install the checkers once per lock file.
lock_hash="$(sha256sum "$CHECK_DIR/package-lock.json" | cut -c1-16)"
MODULES_DIR="$TOOLS_DIR/k8s-check-$lock_hash"
if [[ ! -f "$MODULES_DIR/.installed" ]]; then
  echo "installing infra/k8s-check's packages into $MODULES_DIR"
  rm -rf "$MODULES_DIR" && mkdir -p "$MODULES_DIR"
  cp "$CHECK_DIR/package.json" "$CHECK_DIR/package-lock.json" "$MODULES_DIR/"
  (cd "$MODULES_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$MODULES_DIR/.installed"
fi

RENDER_DIR="$(mktemp -d)"
trap 'rm -rf "$RENDER_DIR"' EXIT
renders=()
render_failed=0
for overlay in "$ROOT"/k8s/overlays/*/; do
  name="$(basename "$overlay")"
  if kubectl kustomize "$overlay" >"$RENDER_DIR/$name.yaml" 2>"$RENDER_DIR/$name.err"; then
    echo "ok    $name: kubectl kustomize k8s/overlays/$name renders"
    renders+=("$name=$RENDER_DIR/$name.yaml")
  else
    echo "FAIL  $name: kubectl kustomize k8s/overlays/$name: $(tr '\n' ' ' <"$RENDER_DIR/$name.err")"
    render_failed=1
  fi
done
((${#renders[@]})) || { echo "FAIL  no overlay renders under k8s/overlays"; exit 1; }

status=0
node "$CHECK_DIR/check.mjs" "$MODULES_DIR/node_modules" "$ROOT" "${renders[@]}" || status=$?
if ((render_failed)); then echo "an overlay did not render"; exit 1; fi
exit "$status"
