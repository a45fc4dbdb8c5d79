#!/usr/bin/env bash
# Installs everything the tests and local mode need on a fresh Debian machine with Node 20 and npm:
# system packages (kubectl, bubblewrap, reference proxies), the upstream Python SDK, Helm, and the npm packages.
# Safe to run again; steps that are already satisfied are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pair in kubectl:kubectl bwrap:bubblewrap nginx:nginx wrk:wrk haproxy:haproxy ip:iproute2 python3:python3; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need_apt+=("${pair#*:}")
done
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing ${need_apt[*]}; install them with your package manager" >&2
  fi
fi

if ! python3 -c 'import k8s_agent_sandbox' >/dev/null 2>&1; then
  echo "setup: installing the upstream Python SDK (k8s-agent-sandbox)"
  python3 -m pip install -q k8s-agent-sandbox==1.0.8
fi

if ! command -v helm >/dev/null 2>&1 && command -v go >/dev/null 2>&1; then
  echo "setup: installing helm from the Go module proxy"
  GOBIN="${GOBIN:-/usr/local/bin}" go install helm.sh/helm/v3/cmd/helm@v3.22.0
fi

echo "setup: installing npm packages"
npm ci --no-audit --no-fund
