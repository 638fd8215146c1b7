#!/usr/bin/env bash
# CI: the container checks (scripts/test-container.sh) on a machine without a Docker engine.
# ../shared/tools/container-engine.sh (beside the repository) installs podman and builds local
# stand-ins for the node base images; without it, a working Docker is used instead.
set -euo pipefail
cd "$(dirname "$0")/.."

# Beside the repository normally; CI's clean clone may live elsewhere on the same machine.
TOOL=""
for candidate in "${CONTAINER_ENGINE_TOOL:-}" ../shared/tools/container-engine.sh /work/shared/tools/container-engine.sh; do
  if [ -n "$candidate" ] && [ -f "$candidate" ]; then TOOL=$candidate; break; fi
done
if [ -n "$TOOL" ]; then
  echo "== container engine: $TOOL (first run installs podman and builds the base image, a few minutes)"
  env_lines=$(bash "$TOOL" env Dockerfile)
  eval "$env_lines"
  # A container cannot get more open files than this machine's hard limit (20,000 on some CI
  # machines, below production's 65,536): ask for what the machine allows.
  hard=$(ulimit -Hn)
  if [ "$hard" != unlimited ] && [ "$hard" -lt 65536 ]; then export NOFILE=${NOFILE:-$hard}; fi
  # Given one --ulimit, podman forgets the others the tool's configuration sets, and its own
  # default process limit is more than runc may set here: repeat the tool's.
  export RUN_OPTIONS=${RUN_OPTIONS:-"--ulimit nproc=32768:32768"}
  cleanup_tool() { bash "$TOOL" cleanup || true; }
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  echo "== container engine: docker"
  export CONTAINER_ENGINE=docker
  cleanup_tool() { :; }
else
  echo "ci-container: no container engine: container-engine.sh was not found (../shared/tools, /work/shared/tools or \$CONTAINER_ENGINE_TOOL) and 'docker info' fails." >&2
  echo "ci-container: start Docker (or install podman and run CONTAINER_ENGINE=podman scripts/test-container.sh)." >&2
  exit 1
fi

status=0
bash scripts/test-container.sh || status=$?
cleanup_tool
exit "$status"
