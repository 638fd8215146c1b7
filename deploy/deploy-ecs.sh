#!/usr/bin/env bash
# Build the image, push it to ECR and roll it out on ECS Fargate; docs/deploy-aws.md explains
# what has to exist first (VPC, security groups, roles, secret, cluster, load balancer).
# Idempotent: what exists is reused. --dry-run prints every command and runs none.
# Portable to macOS's bash 3.2 (no associative arrays, no namerefs).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEMPLATE=$ROOT/deploy/ecs-task-definition.json
CONTAINER_NAME=tictactoe
CONTAINER_PORT=5000

usage() {
  cat <<'EOF'
Usage: deploy/deploy-ecs.sh [options]

Builds the image, pushes it to ECR (tagged with the git commit), creates the DynamoDB table,
the ECR repository and the log group when missing, registers a task definition from
deploy/ecs-task-definition.json and creates or updates the ECS Fargate service.

Required (flag or environment variable):
  --region REGION               AWS region                              AWS_REGION / AWS_DEFAULT_REGION
  --cluster NAME                existing ECS cluster                    ECS_CLUSTER
  --subnets ID,ID               subnets for the tasks                   SUBNETS
  --security-groups ID,ID       security groups for the tasks           SECURITY_GROUPS
  --execution-role-arn ARN      task execution role (pull, logs, secret) EXECUTION_ROLE_ARN
  --task-role-arn ARN           task role (DynamoDB)                    TASK_ROLE_ARN
  --session-secret-arn ARN      Secrets Manager secret: SESSION_SECRET  SESSION_SECRET_ARN

Optional:
  --service NAME                ECS service and task family   [tictactoe]   ECS_SERVICE
  --repository NAME             ECR repository                [tictactoe]   ECR_REPOSITORY
  --table NAME                  DynamoDB table                [Games]       DYNAMODB_TABLE
  --desired-count N             tasks to run (a new service: [2]; an existing
                                one keeps its count unless given)           DESIRED_COUNT
  --target-group-arn ARN        ALB target group (ip, port 5000) to register the tasks in
                                                                            TARGET_GROUP_ARN
  --platform linux/amd64|linux/arm64
                                image and task CPU architecture (arm64 = Graviton)
                                                              [linux/amd64] PLATFORM
  --assign-public-ip            give tasks public IPs (public subnets without a NAT gateway)
  --log-group NAME              CloudWatch Logs group         [/ecs/SERVICE] LOG_GROUP
  --image-tag TAG               image tag                     [git commit]  IMAGE_TAG
  --task-definition-out FILE    keep the rendered task definition in FILE (else a temporary file)
  --no-wait                     do not wait for the service to become stable
  --account-id ID               with --dry-run: the account to show  [123456789012]
  --dry-run                     print every command (prefixed DRY-RUN:) and run none
  -h, --help                    this help

The container engine is ${CONTAINER_ENGINE:-docker} (docker uses buildx; podman works too).
EOF
}

die() {
  printf 'deploy-ecs: %s\n' "$*" >&2
  exit 1
}
note() { printf '==> %s\n' "$*" >&2; }

# ---- options ----------------------------------------------------------------------------------
REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
CLUSTER=${ECS_CLUSTER:-}
SERVICE=${ECS_SERVICE:-tictactoe}
SUBNETS=${SUBNETS:-}
SECURITY_GROUPS=${SECURITY_GROUPS:-}
REPOSITORY=${ECR_REPOSITORY:-tictactoe}
TABLE=${DYNAMODB_TABLE:-Games}
EXECUTION_ROLE_ARN=${EXECUTION_ROLE_ARN:-}
TASK_ROLE_ARN=${TASK_ROLE_ARN:-}
SESSION_SECRET_ARN=${SESSION_SECRET_ARN:-}
DESIRED_COUNT_GIVEN=${DESIRED_COUNT:+1}
DESIRED_COUNT=${DESIRED_COUNT:-2}
TARGET_GROUP_ARN=${TARGET_GROUP_ARN:-}
PLATFORM=${PLATFORM:-linux/amd64}
ASSIGN_PUBLIC_IP=DISABLED
LOG_GROUP=${LOG_GROUP:-}
IMAGE_TAG=${IMAGE_TAG:-}
TASK_DEFINITION_OUT=
WAIT=1
DRY_ACCOUNT_ID=${ACCOUNT_ID:-123456789012}
DRY_RUN=0
ENGINE=${CONTAINER_ENGINE:-docker}

need_value() { [ $# -ge 2 ] && [ -n "$2" ] && [ "${2#--}" = "$2" ] || die "$1 needs a value (see --help)"; }
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --dry-run) DRY_RUN=1; shift; continue ;;
    --assign-public-ip) ASSIGN_PUBLIC_IP=ENABLED; shift; continue ;;
    --no-wait) WAIT=0; shift; continue ;;
    --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
  esac
  case "$1" in
    --region) need_value "$@"; REGION=$2 ;;
    --cluster) need_value "$@"; CLUSTER=$2 ;;
    --service) need_value "$@"; SERVICE=$2 ;;
    --subnets) need_value "$@"; SUBNETS=$2 ;;
    --security-groups) need_value "$@"; SECURITY_GROUPS=$2 ;;
    --repository) need_value "$@"; REPOSITORY=$2 ;;
    --table) need_value "$@"; TABLE=$2 ;;
    --execution-role-arn) need_value "$@"; EXECUTION_ROLE_ARN=$2 ;;
    --task-role-arn) need_value "$@"; TASK_ROLE_ARN=$2 ;;
    --session-secret-arn) need_value "$@"; SESSION_SECRET_ARN=$2 ;;
    --desired-count) need_value "$@"; DESIRED_COUNT=$2; DESIRED_COUNT_GIVEN=1 ;;
    --target-group-arn) need_value "$@"; TARGET_GROUP_ARN=$2 ;;
    --platform) need_value "$@"; PLATFORM=$2 ;;
    --log-group) need_value "$@"; LOG_GROUP=$2 ;;
    --image-tag) need_value "$@"; IMAGE_TAG=$2 ;;
    --task-definition-out) need_value "$@"; TASK_DEFINITION_OUT=$2 ;;
    --account-id) need_value "$@"; DRY_ACCOUNT_ID=$2 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift 2
done

missing=
[ -n "$REGION" ] || missing="$missing --region"
[ -n "$CLUSTER" ] || missing="$missing --cluster"
[ -n "$SUBNETS" ] || missing="$missing --subnets"
[ -n "$SECURITY_GROUPS" ] || missing="$missing --security-groups"
[ -n "$EXECUTION_ROLE_ARN" ] || missing="$missing --execution-role-arn"
[ -n "$TASK_ROLE_ARN" ] || missing="$missing --task-role-arn"
[ -n "$SESSION_SECRET_ARN" ] || missing="$missing --session-secret-arn"
[ -z "$missing" ] || die "missing required option(s):$missing (see --help)"

[[ $REGION =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || die "--region: '$REGION' is not a region name such as eu-west-1"
[[ $DESIRED_COUNT =~ ^[0-9]+$ ]] || die "--desired-count: '$DESIRED_COUNT' is not a whole number"
[[ $SUBNETS =~ ^subnet-[0-9a-f]+(,subnet-[0-9a-f]+)*$ ]] || die "--subnets: expected subnet-… ids separated by commas, got '$SUBNETS'"
[[ $SECURITY_GROUPS =~ ^sg-[0-9a-f]+(,sg-[0-9a-f]+)*$ ]] || die "--security-groups: expected sg-… ids separated by commas, got '$SECURITY_GROUPS'"
for arn in "$EXECUTION_ROLE_ARN" "$TASK_ROLE_ARN" "$SESSION_SECRET_ARN" ${TARGET_GROUP_ARN:+"$TARGET_GROUP_ARN"}; do
  [[ $arn =~ ^arn:aws[a-z-]*: ]] || die "'$arn' is not an ARN (arn:aws:…)"
done
[[ $SESSION_SECRET_ARN =~ ^arn:aws[a-z-]*:secretsmanager: ]] || die "--session-secret-arn: expected a Secrets Manager ARN"
[[ $DRY_ACCOUNT_ID =~ ^[0-9]{12}$ ]] || die "--account-id: expected 12 digits"
case "$PLATFORM" in
  linux/amd64) CPU_ARCHITECTURE=X86_64 ;;
  linux/arm64) CPU_ARCHITECTURE=ARM64 ;;
  *) die "--platform: expected linux/amd64 or linux/arm64, got '$PLATFORM'" ;;
esac
LOG_GROUP=${LOG_GROUP:-/ecs/$SERVICE}

exec 3>&1 # the plan goes to the real stdout even where a command's output is discarded

# ---- the one place commands run -----------------------------------------------------------------
# run CMD...                     run it (or print it under --dry-run)
# run --capture VAR DEFAULT CMD  store its output in VAR (under --dry-run: print it, VAR=DEFAULT)
# run --probe PATTERN CMD        0 if it succeeds, 1 if it fails with PATTERN in its error
#                                (the thing does not exist), exit on any other error;
#                                under --dry-run: print it and answer 1, so the plan shows every step
# A lone '|' argument pipes the command before it into the command after it.
# Arguments as one copy-pasteable line: plain words as they are, anything else in single quotes.
show() {
  local out='' arg quoted q="'\\''"
  for arg in "$@"; do
    case "$arg" in
      '|') out="$out |" ;;
      *[!A-Za-z0-9_@%+=:,./-]* | '')
        quoted=${arg//\'/$q}
        out="$out '$quoted'"
        ;;
      *) out="$out $arg" ;;
    esac
  done
  printf '%s\n' "${out# }"
}
run() {
  local mode=run var='' fallback='' pattern=''
  case "$1" in
    --capture) mode=capture; var=$2; fallback=$3; shift 3 ;;
    --probe) mode=probe; pattern=$2; shift 2 ;;
  esac
  if [ "$DRY_RUN" = 1 ]; then
    printf 'DRY-RUN: %s\n' "$(show "$@")" >&3
    case "$mode" in
      capture) printf -v "$var" '%s' "$fallback" ;;
      probe) return 1 ;;
    esac
    return 0
  fi
  case "$mode" in
    capture)
      local output
      output=$("$@") || return $?
      printf -v "$var" '%s' "$output"
      ;;
    probe)
      local err
      if err=$("$@" 2>&1 >/dev/null); then return 0; fi
      if printf '%s' "$err" | grep -q -- "$pattern"; then return 1; fi
      die "$(show "$@") failed: $err"
      ;;
    *)
      local left=() right=() arg piped=0
      for arg in "$@"; do
        if [ "$arg" = '|' ]; then
          piped=1
        elif [ "$piped" = 0 ]; then
          left+=("$arg")
        else
          right+=("$arg")
        fi
      done
      if [ "$piped" = 1 ]; then "${left[@]}" | "${right[@]}"; else "$@"; fi
      ;;
  esac
}

# ---- tools and credentials ---------------------------------------------------------------------
if ! command -v aws >/dev/null 2>&1; then
  msg="the AWS CLI (v2) is not installed: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
  if [ "$DRY_RUN" = 1 ]; then note "note: $msg"; else die "$msg"; fi
fi
if ! command -v "$ENGINE" >/dev/null 2>&1; then
  msg="$ENGINE is not installed (set CONTAINER_ENGINE to use another engine, e.g. podman)"
  if [ "$DRY_RUN" = 1 ]; then note "note: $msg"; else die "$msg"; fi
fi
if [ -z "$IMAGE_TAG" ]; then
  IMAGE_TAG=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) || die "not a git checkout: pass --image-tag"
  if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]; then
    note "warning: uncommitted changes are built into the image; tagging it $IMAGE_TAG-dirty"
    IMAGE_TAG=$IMAGE_TAG-dirty
  fi
fi
[[ $IMAGE_TAG =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "--image-tag: '$IMAGE_TAG' is not a valid image tag"

[ "$DRY_RUN" = 1 ] && note "dry run: nothing below is executed"
note "checking AWS credentials"
run --capture ACCOUNT_ID "$DRY_ACCOUNT_ID" aws sts get-caller-identity --query Account --output text \
  || die "no valid AWS credentials: run 'aws configure' or 'aws sso login' (or set AWS_PROFILE), then try again"

REGISTRY=$ACCOUNT_ID.dkr.ecr.$REGION.amazonaws.com
IMAGE=$REGISTRY/$REPOSITORY:$IMAGE_TAG

run --capture CLUSTER_ACTIVE 1 aws ecs describe-clusters --region "$REGION" --clusters "$CLUSTER" \
  --query "length(clusters[?status=='ACTIVE'])" --output text
[ "$CLUSTER_ACTIVE" = 1 ] || die "no active ECS cluster '$CLUSTER' in $REGION: aws ecs create-cluster --cluster-name $CLUSTER --region $REGION"

# ---- image ---------------------------------------------------------------------------------------
note "ECR repository $REPOSITORY"
if ! run --probe RepositoryNotFoundException aws ecr describe-repositories --region "$REGION" --repository-names "$REPOSITORY"; then
  run aws ecr create-repository --region "$REGION" --repository-name "$REPOSITORY" \
    --image-scanning-configuration scanOnPush=true --encryption-configuration encryptionType=AES256 >/dev/null
fi

note "building and pushing $IMAGE ($PLATFORM)"
run aws ecr get-login-password --region "$REGION" '|' "$ENGINE" login --username AWS --password-stdin "$REGISTRY"
if [ "$ENGINE" = docker ]; then
  run docker buildx build --platform "$PLATFORM" --tag "$IMAGE" --load --file "$ROOT/Dockerfile" "$ROOT"
else
  run "$ENGINE" build --platform "$PLATFORM" --tag "$IMAGE" --file "$ROOT/Dockerfile" "$ROOT"
fi
run "$ENGINE" push "$IMAGE"

# ---- table and logs ------------------------------------------------------------------------------
note "DynamoDB table $TABLE"
if ! run --probe ResourceNotFoundException aws dynamodb describe-table --region "$REGION" --table-name "$TABLE"; then
  # The layout the server expects (docs/dynamodb.md): GameId key, two indexes on StatusDate.
  summary='"Version","Status","Invite","HostName","OpponentName","HostMark","Board","Result","CreatedAt","UpdatedAt","RematchOf"'
  indexes='[{"IndexName":"HostId-StatusDate-index","KeySchema":[{"AttributeName":"HostId","KeyType":"HASH"},{"AttributeName":"StatusDate","KeyType":"RANGE"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":['"$summary"',"OpponentId"]}},{"IndexName":"OpponentId-StatusDate-index","KeySchema":[{"AttributeName":"OpponentId","KeyType":"HASH"},{"AttributeName":"StatusDate","KeyType":"RANGE"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":['"$summary"',"HostId"]}}]'
  run aws dynamodb create-table --region "$REGION" --table-name "$TABLE" --billing-mode PAY_PER_REQUEST \
    --attribute-definitions AttributeName=GameId,AttributeType=S AttributeName=HostId,AttributeType=S \
    AttributeName=OpponentId,AttributeType=S AttributeName=StatusDate,AttributeType=S \
    --key-schema AttributeName=GameId,KeyType=HASH --global-secondary-indexes "$indexes" >/dev/null
  run aws dynamodb wait table-exists --region "$REGION" --table-name "$TABLE"
  # Expired invitations and abandoned games carry ExpiresAt (epoch seconds); DynamoDB deletes them.
  run aws dynamodb update-time-to-live --region "$REGION" --table-name "$TABLE" \
    --time-to-live-specification Enabled=true,AttributeName=ExpiresAt >/dev/null
fi

note "log group $LOG_GROUP"
run --capture LOG_GROUP_EXISTS 0 aws logs describe-log-groups --region "$REGION" --log-group-name-prefix "$LOG_GROUP" \
  --query "length(logGroups[?logGroupName=='$LOG_GROUP'])" --output text
if [ "$LOG_GROUP_EXISTS" = 0 ]; then
  run aws logs create-log-group --region "$REGION" --log-group-name "$LOG_GROUP"
  run aws logs put-retention-policy --region "$REGION" --log-group-name "$LOG_GROUP" --retention-in-days 30
fi

# ---- task definition -------------------------------------------------------------------------------
note "registering the task definition (family $SERVICE)"
shopt -u patsub_replacement 2>/dev/null || true # bash 5.2: '&' in a replacement is literal
render() {
  local text name value
  text=$(cat "$TEMPLATE")
  for name in FAMILY IMAGE AWS_REGION CPU_ARCHITECTURE EXECUTION_ROLE_ARN TASK_ROLE_ARN SESSION_SECRET_ARN TABLE_NAME LOG_GROUP; do
    case "$name" in
      FAMILY) value=$SERVICE ;;
      AWS_REGION) value=$REGION ;;
      TABLE_NAME) value=$TABLE ;;
      *) eval "value=\$$name" ;;
    esac
    text=${text//\$\{$name\}/$value}
  done
  case "$text" in *'${'*) die "unfilled placeholder left in $TEMPLATE: $(printf '%s' "$text" | grep -o '\${[A-Z_]*}' | head -n1)" ;; esac
  printf '%s\n' "$text"
}
if [ -n "$TASK_DEFINITION_OUT" ]; then
  TASK_DEFINITION_FILE=$TASK_DEFINITION_OUT
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/deploy-ecs.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  TASK_DEFINITION_FILE=$WORK/task-definition.json
fi
render >"$TASK_DEFINITION_FILE"
run --capture TASK_DEFINITION_ARN "arn:aws:ecs:$REGION:$ACCOUNT_ID:task-definition/$SERVICE:DRY-RUN" \
  aws ecs register-task-definition --region "$REGION" --cli-input-json "file://$TASK_DEFINITION_FILE" \
  --query taskDefinition.taskDefinitionArn --output text

# ---- service -------------------------------------------------------------------------------------
run --capture SERVICE_ACTIVE 0 aws ecs describe-services --region "$REGION" --cluster "$CLUSTER" --services "$SERVICE" \
  --query "length(services[?status=='ACTIVE'])" --output text
if [ "$SERVICE_ACTIVE" = 0 ]; then
  note "creating service $SERVICE with $DESIRED_COUNT task(s)"
  lb=()
  if [ -n "$TARGET_GROUP_ARN" ]; then
    lb=(--load-balancers "targetGroupArn=$TARGET_GROUP_ARN,containerName=$CONTAINER_NAME,containerPort=$CONTAINER_PORT"
      --health-check-grace-period-seconds 30)
  fi
  run aws ecs create-service --region "$REGION" --cluster "$CLUSTER" --service-name "$SERVICE" \
    --task-definition "$TASK_DEFINITION_ARN" --desired-count "$DESIRED_COUNT" \
    --launch-type FARGATE --platform-version LATEST \
    --network-configuration "awsvpcConfiguration={subnets=[$SUBNETS],securityGroups=[$SECURITY_GROUPS],assignPublicIp=$ASSIGN_PUBLIC_IP}" \
    --deployment-configuration "deploymentCircuitBreaker={enable=true,rollback=true},maximumPercent=200,minimumHealthyPercent=100" \
    ${lb[@]+"${lb[@]}"} --propagate-tags SERVICE >/dev/null
else
  note "updating service $SERVICE to the new task definition"
  # The count only when asked for: an existing service's count may be set by autoscaling.
  count=()
  [ -z "$DESIRED_COUNT_GIVEN" ] || count=(--desired-count "$DESIRED_COUNT")
  run aws ecs update-service --region "$REGION" --cluster "$CLUSTER" --service "$SERVICE" \
    --task-definition "$TASK_DEFINITION_ARN" ${count[@]+"${count[@]}"} --force-new-deployment >/dev/null
fi

if [ "$WAIT" = 1 ]; then
  note "waiting for the service to become stable (up to 10 minutes)"
  run aws ecs wait services-stable --region "$REGION" --cluster "$CLUSTER" --services "$SERVICE"
fi

note "done: $IMAGE"
note "task definition: $TASK_DEFINITION_ARN"
[ "$DRY_RUN" = 1 ] || note "watch it: aws ecs describe-services --region $REGION --cluster $CLUSTER --services $SERVICE"
