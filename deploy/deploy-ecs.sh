#!/usr/bin/env bash
# Build, push and roll: puts this working tree's image on the ECS service of a stack made by
# the CDK app in deploy/ (`npm run deploy` creates everything; this only ships a new image).
# It builds the Dockerfile, pushes the image to the stack's ECR repository, registers a copy of
# the service's task definition with the new image, rolls the service onto it, waits, and exits
# non-zero unless every running task is that new revision: a deployment the circuit breaker
# rolled back is a failure. Read-only calls first; nothing is built before the stack is found.
# Portable bash (3.2 on macOS too): arrays and quoted expansions, no word splitting.
set -euo pipefail

ROOT=$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)

usage() {
  cat <<'EOF'
Usage: deploy/deploy-ecs.sh --region REGION [options]

Builds the image, pushes it to the stack's ECR repository, rolls the stack's ECS service onto
a new task definition revision with that image, and waits until that revision is the one
running. Exit status 0 only then; 1 if the deployment failed, was rolled back by the circuit
breaker, was replaced, or did not finish in time.

  --region REGION          AWS region                           AWS_REGION / AWS_DEFAULT_REGION
  --stack NAME             the CDK app's stack        [TicTacToe]   STACK_NAME
  --image-tag TAG          image tag                  [git commit]  IMAGE_TAG
  --platform PLATFORM      linux/amd64 or linux/arm64 [the service's CPU architecture]
  --container NAME         container to update        [the one on port 5000]
  --timeout-minutes N      how long to wait for the rollout [30]  WAIT_TIMEOUT_MINUTES
  --poll-seconds N         between checks of the rollout    [15]  POLL_SECONDS
  -h, --help               this help

Needs the AWS CLI v2 with credentials (`aws configure`), jq, and docker or podman
(CONTAINER_ENGINE chooses). The next `npm run deploy` (cdk deploy) sets the task definition
back to the stack's own; use `npm run deploy -- -c imageTag=TAG` to keep a pushed tag.
EOF
}

die() {
  printf 'deploy-ecs: %s\n' "$*" >&2
  exit 1
}
note() { printf '==> %s\n' "$*" >&2; }

REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
STACK=${STACK_NAME:-TicTacToe}
IMAGE_TAG=${IMAGE_TAG:-}
PLATFORM=${PLATFORM:-}
CONTAINER=
TIMEOUT_MINUTES=${WAIT_TIMEOUT_MINUTES:-30}
POLL_SECONDS=${POLL_SECONDS:-15}

need_value() { [ $# -ge 2 ] && [ -n "$2" ] && [ "${2#--}" = "$2" ] || die "$1 needs a value (see --help)"; }
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
  esac
  case "$1" in
    --region) need_value "$@"; REGION=$2 ;;
    --stack) need_value "$@"; STACK=$2 ;;
    --image-tag) need_value "$@"; IMAGE_TAG=$2 ;;
    --platform) need_value "$@"; PLATFORM=$2 ;;
    --container) need_value "$@"; CONTAINER=$2 ;;
    --timeout-minutes) need_value "$@"; TIMEOUT_MINUTES=$2 ;;
    --poll-seconds) need_value "$@"; POLL_SECONDS=$2 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift 2
done

[ -n "$REGION" ] || die "--region (or AWS_REGION) is required"
[[ $REGION =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]] || die "--region: not a region name: $REGION"
[[ $STACK =~ ^[A-Za-z][A-Za-z0-9-]*$ ]] || die "--stack: not a stack name: $STACK"
[[ $TIMEOUT_MINUTES =~ ^[0-9]+$ ]] || die "--timeout-minutes: a whole number of minutes"
[[ $POLL_SECONDS =~ ^[0-9]+$ ]] || die "--poll-seconds: a whole number of seconds"
case "$PLATFORM" in "" | linux/amd64 | linux/arm64) ;; *) die "--platform: linux/amd64 or linux/arm64" ;; esac

# ---- prerequisites ------------------------------------------------------------------------------
command -v aws >/dev/null 2>&1 ||
  die "the AWS CLI (v2) is not installed: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
command -v jq >/dev/null 2>&1 || die "jq is not installed (apt-get install jq, brew install jq)"
if [ -n "${CONTAINER_ENGINE:-}" ]; then
  ENGINE=$CONTAINER_ENGINE
  command -v "$ENGINE" >/dev/null 2>&1 || die "CONTAINER_ENGINE=$ENGINE is not installed"
elif command -v docker >/dev/null 2>&1; then
  ENGINE=docker
elif command -v podman >/dev/null 2>&1; then
  ENGINE=podman
else
  die "neither docker nor podman is installed (set CONTAINER_ENGINE for another engine)"
fi
if [ -z "$IMAGE_TAG" ]; then
  IMAGE_TAG=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null) ||
    die "--image-tag is required outside a git checkout"
  git -C "$ROOT" diff --quiet HEAD 2>/dev/null || IMAGE_TAG=$IMAGE_TAG-dirty
fi
[[ $IMAGE_TAG =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "--image-tag: not a valid tag: $IMAGE_TAG"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/deploy-ecs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
awsr() { aws --region "$REGION" --output json "$@"; }

# ---- the stack, its service and the task definition running now -----------------------------------
note "reading stack $STACK in $REGION"
awsr cloudformation describe-stacks --stack-name "$STACK" >"$WORK/stack.json" ||
  die "stack $STACK not found in $REGION (create it with: cd deploy && npm run deploy)"
output() { jq -r --arg key "$1" '.Stacks[0].Outputs[]? | select(.OutputKey == $key) | .OutputValue' "$WORK/stack.json"; }
CLUSTER=$(output ClusterName)
SERVICE=$(output ServiceName)
REPOSITORY_URI=$(output RepositoryUri)
[ -n "$CLUSTER" ] && [ -n "$SERVICE" ] && [ -n "$REPOSITORY_URI" ] ||
  die "stack $STACK has no ClusterName, ServiceName and RepositoryUri outputs: is it the CDK app's stack?"

awsr ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" >"$WORK/service.json"
CURRENT=$(jq -r '.services[0] | select(.status == "ACTIVE") | .taskDefinition' "$WORK/service.json")
[ -n "$CURRENT" ] || die "service $SERVICE is not active in cluster $CLUSTER"
awsr ecs describe-task-definition --task-definition "$CURRENT" >"$WORK/current.json"
if [ -z "$CONTAINER" ]; then
  CONTAINER=$(jq -r '[.taskDefinition.containerDefinitions[] | select(any(.portMappings[]?; .containerPort == 5000))][0].name // empty' "$WORK/current.json")
  [ -n "$CONTAINER" ] || die "no container listens on port 5000 in $CURRENT (name one with --container)"
fi
jq -e --arg name "$CONTAINER" 'any(.taskDefinition.containerDefinitions[]; .name == $name)' "$WORK/current.json" >/dev/null ||
  die "no container named $CONTAINER in $CURRENT"
if [ -z "$PLATFORM" ]; then
  case $(jq -r '.taskDefinition.runtimePlatform.cpuArchitecture // "X86_64"' "$WORK/current.json") in
    ARM64) PLATFORM=linux/arm64 ;;
    *) PLATFORM=linux/amd64 ;;
  esac
fi

# ---- build and push -------------------------------------------------------------------------------
IMAGE=$REPOSITORY_URI:$IMAGE_TAG
REGISTRY=${REPOSITORY_URI%%/*}
REVISION=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
note "building $IMAGE for $PLATFORM with $ENGINE"
build=("$ENGINE" build --platform "$PLATFORM" --tag "$IMAGE" --build-arg "VERSION=$IMAGE_TAG" --build-arg "REVISION=$REVISION")
SOURCE=$(git -C "$ROOT" remote get-url origin 2>/dev/null || true)
case "$SOURCE" in https://*) build+=(--build-arg "SOURCE=${SOURCE%.git}") ;; esac
"${build[@]}" "$ROOT"
note "pushing to $REGISTRY"
aws --region "$REGION" ecr get-login-password | "$ENGINE" login --username AWS --password-stdin "$REGISTRY"
"$ENGINE" push "$IMAGE"

# ---- a new revision with the new image, and the service rolled onto it ------------------------------
jq --arg name "$CONTAINER" --arg image "$IMAGE" '.taskDefinition
  | del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities,
        .registeredAt, .registeredBy, .deregisteredAt)
  | .containerDefinitions |= map(if .name == $name then .image = $image else . end)' \
  "$WORK/current.json" >"$WORK/next.json"
NEXT=$(awsr ecs register-task-definition --cli-input-json "file://$WORK/next.json" |
  jq -r '.taskDefinition.taskDefinitionArn')
[ -n "$NEXT" ] && [ "$NEXT" != null ] || die "registering the new task definition returned no ARN"
note "registered $NEXT; rolling $SERVICE onto it"
awsr ecs update-service --cluster "$CLUSTER" --service "$SERVICE" --task-definition "$NEXT" >/dev/null

# ---- wait: the new revision completes, or is rolled back ---------------------------------------------
# One word per check: completed, failed (rolled back), replaced (another deployment is primary), waiting.
status_of() {
  jq -r --arg next "$NEXT" '
    (.services[0].deployments // []) as $all
    | ([$all[] | select(.status == "PRIMARY")][0]) as $primary
    | ([$all[] | select(.taskDefinition == $next)][0]) as $ours
    | if $ours != null and $ours.rolloutState == "FAILED" then "failed \($ours.rolloutStateReason // "")"
      elif $primary == null or $primary.taskDefinition != $next then "replaced \($primary.taskDefinition // "none")"
      elif $primary.rolloutState == "COMPLETED" and ($all | length) == 1 and $primary.runningCount == $primary.desiredCount
        then "completed"
      else "waiting \($primary.rolloutState // "IN_PROGRESS"), \($primary.runningCount)/\($primary.desiredCount) tasks running" end' \
    "$WORK/service.json"
}
deadline=$((SECONDS + TIMEOUT_MINUTES * 60))
while :; do
  awsr ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" >"$WORK/service.json"
  status=$(status_of)
  case "$status" in
    completed) break ;;
    failed*) die "the deployment of $NEXT failed and the circuit breaker rolled it back: ${status#failed }" ;;
    replaced*) die "the deployment of $NEXT was replaced by ${status#replaced } (rolled back, or another deployment)" ;;
  esac
  [ "$SECONDS" -lt "$deadline" ] || die "the deployment of $NEXT did not finish within $TIMEOUT_MINUTES minutes (${status#waiting })"
  note "${status#waiting }"
  sleep "$POLL_SECONDS"
done

# ---- the proof: every running task is the new revision ----------------------------------------------
awsr ecs list-tasks --cluster "$CLUSTER" --service-name "$SERVICE" --desired-status RUNNING >"$WORK/tasks.json"
tasks=()
while IFS= read -r task; do tasks+=("$task"); done < <(jq -r '.taskArns[]' "$WORK/tasks.json")
[ "${#tasks[@]}" -gt 0 ] || die "no task of $SERVICE is running"
awsr ecs describe-tasks --cluster "$CLUSTER" --tasks "${tasks[@]}" >"$WORK/described.json"
others=$(jq -r --arg next "$NEXT" '[.tasks[] | select(.taskDefinitionArn != $next) | .taskDefinitionArn] | unique | join(", ")' \
  "$WORK/described.json")
[ -z "$others" ] || die "tasks of $SERVICE still run $others, not $NEXT"
printf 'deploy-ecs: %s runs %s (%s, %d tasks)\n' "$SERVICE" "${NEXT##*/}" "$IMAGE" "${#tasks[@]}"
