#!/usr/bin/env bash
# Validates deploy/: the Kubernetes manifests against the Kubernetes 1.31
# API schemas (kubernetes-validate from PyPI, strict: unknown fields are
# errors), and the Dockerfile's COPY sources against the repository (no
# Docker daemon in CI, so the image itself is not built here).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c 'import kubernetes_validate' 2>/dev/null; then
  python3 -m pip --version >/dev/null 2>&1 || {
    apt-get update -qq && apt-get install -y -qq python3-pip >/dev/null
  }
  python3 -m pip install --quiet kubernetes-validate==1.37.0 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages kubernetes-validate==1.37.0
fi
python3 -m kubernetes_validate --strict -k 1.31.0 deploy/k8s/*.yaml
# every COPY source of the final stage exists (a renamed file breaks the image)
status=0
while read -r src; do
  for f in $src; do
    if [ ! -e "$f" ]; then
      echo "deploy/Dockerfile: COPY source $f does not exist" >&2
      status=1
    fi
  done
done < <(grep -E '^COPY ' deploy/Dockerfile | grep -v -- '--from=' | sed -E 's/^COPY +//; s/ +[^ ]+$//')
[ $status -eq 0 ] && echo "deploy/Dockerfile: every COPY source exists"
exit $status
