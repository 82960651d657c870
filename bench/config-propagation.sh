#!/usr/bin/env bash
# Propagation of a configuration change: from `git commit` in the repository config-service serves
# (.platform/config-repo; its post-commit hook notifies config-service, which refreshes every
# greeter over Spring Cloud Bus) to the last greeter instance serving the new greeting template.
# CHANGES changes one after the other, with the platform's 2 greeters, then with 4 more started
# from the same jar (6 in all). Prints median and max for each, as Markdown.
#
# Uses the running platform (./platform status), or starts it and then stops it at the end.
#
# Usage: bench/config-propagation.sh [--append FILE]
#   --append FILE  also append the Markdown results section to FILE
# Tunables (environment): CHANGES=20 WARMUP_CHANGES=50 (made first, not counted: a refresh runs
#   once per change, so a fresh instance takes dozens of changes to compile its path) EXTRA_INSTANCES=4
#   POLL_MS=20 (how often each instance is asked for its greeting)
#   START_TIMEOUT=180 BENCH_JAVA_OPTS (JVM options of the extra instances; default: those the
#   platform's greeters run with, so that all instances are alike)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
CHANGES=${CHANGES:-20}
WARMUP_CHANGES=${WARMUP_CHANGES:-50}
POLL_MS=${POLL_MS:-20}
EXTRA_INSTANCES=${EXTRA_INSTANCES:-4}
PLATFORM_GREETERS=(8081 8082)

APPEND=
while [ $# -gt 0 ]; do
	case $1 in
		--append) APPEND=${2:?--append needs a file}; shift 2 ;;
		-h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
	esac
done

WORK=$(mktemp -d -t config-propagation.XXXXXX)
NEEDED=(consul rabbitmq config-service greeter-service-1 greeter-service-2)
STARTED_PIDS=()
STARTED_PLATFORM=0
clean_up_on_exit

REPO="$ROOT/.platform/config-repo"
ensure_platform
[ -z "$(git -C "$REPO" status --porcelain --untracked-files=no)" ] \
	|| fail "$REPO has uncommitted changes: commit or discard them first"

# probe PORT...: CHANGES changes, measured over these instances; prints its lines, keeps the result
probe() {
	java -Dpoll.ms="$POLL_MS" "$ROOT/bench/ConfigPropagationProbe.java" "$REPO" "$WARMUP_CHANGES" "$CHANGES" "$@" | tee "$WORK/probe-$#.txt"
}

say "$CHANGES changes with ${#PLATFORM_GREETERS[@]} greeter instances"
probe "${PLATFORM_GREETERS[@]}"

say "Starting $EXTRA_INSTANCES more greeter instances (same jar, registered in Consul, on the bus)"
# The platform's greeters' JVM options (the launcher's), unless the benchmark is given its own
greeter_pid=$(cat "$ROOT/.platform/greeter-service-1.pid")
EXTRA_JAVA_OPTS=${BENCH_JAVA_OPTS:-$(ps -o args= -p "$greeter_pid" | sed -E 's/^java (.*) -jar .*/\1/')}
echo "    JVM options: $EXTRA_JAVA_OPTS"
cp "$ROOT/greeter-service/target/greeter-service-$VERSION.jar" "$WORK/greeter-service.jar"
extra_ports=()
port=18081
for i in $(seq 1 "$EXTRA_INSTANCES"); do
	port=$(free_port "$port")
	SPRING_CLOUD_CONSUL_DISCOVERY_HOSTNAME=127.0.0.1 nohup java $EXTRA_JAVA_OPTS -jar "$WORK/greeter-service.jar" \
		--server.port="$port" >"$WORK/greeter-$port.log" 2>&1 </dev/null &
	STARTED_PIDS+=("$!")
	extra_ports+=("$port")
	echo "    started greeter on :$port (pid $!)"
	port=$((port + 1))
done
deadline=$((SECONDS + START_TIMEOUT))
for port in "${extra_ports[@]}"; do
	# Up, and registered with every check passing: its bus consumer has started by then
	until curl -fsS --max-time 2 -H "X-Consul-Token: $PLATFORM_CONSUL_TOKEN" "http://127.0.0.1:8500/v1/health/service/greeter-service?passing=true" 2>/dev/null \
		| tr -d " \n" | grep -q "\"Port\":$port,"; do
		[ $SECONDS -ge $deadline ] && { tail -n 40 "$WORK/greeter-$port.log" >&2; fail "greeter on :$port did not come up"; }
		sleep 0.5
	done
	echo "    greeter on :$port is passing in Consul"
done

all=("${PLATFORM_GREETERS[@]}" "${extra_ports[@]}")
say "$CHANGES changes with ${#all[@]} greeter instances"
probe "${all[@]}"

field() { grep '^result' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
# first FILE: median of the first 20 changes the probe made (warm-up included): instances whose
# refresh code has not run often, as in production, where a change comes a few times a day
first() {
	grep -E '^(warm-up|change )' "$1" | head -n 20 | awk '{ print $3 }' | sort -n \
		| awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
two="$WORK/probe-${#PLATFORM_GREETERS[@]}.txt"
six="$WORK/probe-${#all[@]}.txt"
report=$(
	cat <<MD

### Run of $(date -u '+%Y-%m-%d %H:%M') UTC

\`bench/config-propagation.sh\`: $CHANGES changes each, one after the other, after $WARMUP_CHANGES not counted; from
the start of \`git commit\` to the last instance serving the new template (polled every $POLL_MS ms):

| greeter instances | median | max | min | median of the run's first 20 changes |
|---|---|---|---|---|
| ${#PLATFORM_GREETERS[@]} | $(field "$two" median_ms) ms | $(field "$two" max_ms) ms | $(field "$two" min_ms) ms | $(first "$two") ms |
| ${#all[@]} | $(field "$six" median_ms) ms | $(field "$six" max_ms) ms | $(field "$six" min_ms) ms | $(first "$six") ms |

The last column counts the warm-up: there the instances' refresh code has run only a few times, as
in production, where a change comes a few times a day; the 4 extra instances have just started.
MD
)
echo "$report"
[ -n "$APPEND" ] && echo "$report" >>"$APPEND"
exit 0
