#!/usr/bin/env bash
# Overhead of platform-starter on greeter-service's GET /greetings: two extra greeter instances from
# the same jar, side by side in one run, measured with wrk in interleaved rounds whose order rotates.
#
#   full      the starter as shipped (metrics, tracing at 10 % sampling, client resilience, inbound
#             protection), calling salutation-service by name, load-balanced over its instances.
#   baseline  the same jar with the starter's mechanisms switched off by properties, calling one
#             salutation-service instance by URL. greeter-service cannot run without the starter
#             (its discovery, its DegradationSwitch), so this is the closest "without the starter".
#
# Neither instance registers in Consul, so the platform's gateway sends them no traffic. Uses the
# running platform (./platform status), or starts it and then stops it at the end.
#
# Usage: bench/starter-overhead.sh [--append FILE]
#   --append FILE  also append the Markdown results section to FILE
# Tunables (environment): ROUNDS=5 DURATION=10s CONNECTIONS=16 THREADS=1 WRK_CPU=1
#   WARMUP=30s WARMUP_RUNS=20 JIT_SETTLED=5 (warm-up runs until the JIT took under 5 % of the CPU)
#   FULL_EXTRA_ARGS (more properties for the full instance, to switch one mechanism off)
#   BENCH_JAVA_OPTS (JVM options of both instances), START_TIMEOUT=180 (seconds)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
# shellcheck source=bench/greeter-instances.sh
. "$ROOT/bench/greeter-instances.sh"
WARMUP=${WARMUP:-30s}
WARMUP_RUNS=${WARMUP_RUNS:-20}
# Rounds measured again at most because a fault was injected into salutation-service meanwhile
MAX_REDONE=${MAX_REDONE:-5}

APPEND=
while [ $# -gt 0 ]; do
	case $1 in
		--append) APPEND=${2:?--append needs a file}; shift 2 ;;
		-h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
	esac
done

FULL_ARGS=("$SAMPLED_TRACING")
# FULL_EXTRA_ARGS: more properties for the full instance, to switch one mechanism off and see what
# it costs, e.g. FULL_EXTRA_ARGS='--management.tracing.export.enabled=false'
read -r -a FULL_EXTRA <<<"${FULL_EXTRA_ARGS:-}"
for extra in "${FULL_EXTRA[@]}"; do # an extra property replaces the same one above
	for i in "${!FULL_ARGS[@]}"; do
		[ "${FULL_ARGS[$i]%%=*}" = "${extra%%=*}" ] && unset 'FULL_ARGS[i]'
	done
done
FULL_ARGS=("${FULL_ARGS[@]}" "${FULL_EXTRA[@]}")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/starter-overhead.XXXXXX")
STARTED_PIDS=()
STARTED_PLATFORM=0

# --- cleanup: only what this script started, by pid -----------------------------------------------

clean_up_on_exit

# --- prerequisites --------------------------------------------------------------------------------


# --- checks before measuring ----------------------------------------------------------------------

check_features() {
	local full_port=$1 base_port=$2 code catalog fixed instance i
	# Metrics: the full instance exposes the starter's series, the baseline has no Prometheus endpoint
	code=$(curl -s -o "$WORK/full.prom" -w '%{http_code}' "http://127.0.0.1:$full_port/actuator/prometheus")
	[ "$code" = 200 ] && grep -q '^platform_client_' "$WORK/full.prom" && grep -q '^resilience4j_circuitbreaker_' "$WORK/full.prom" \
		|| fail "full: /actuator/prometheus ($code) lacks platform_client_* or resilience4j_circuitbreaker_* series"
	echo "    full: /actuator/prometheus has platform_client_* and resilience4j_circuitbreaker_* series"
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$base_port/actuator/prometheus")
	[ "$code" = 404 ] || fail "baseline: /actuator/prometheus answered $code, expected 404 (metrics export off)"
	echo "    baseline: /actuator/prometheus answers 404"
	# Tracing: log lines carry the trace-id field only when there is a tracer
	# (unless FULL_EXTRA_ARGS may have switched full's tracing off)
	if [ -z "${FULL_EXTRA_ARGS:-}" ]; then
		grep -Eq '\] \[( {20,}|[0-9a-f]{32}-[0-9a-f]{16})\] ' "$WORK/full.log" || fail "full: no trace-id field in its log lines"
	fi
	if grep -Eq '\] \[( {20,}|[0-9a-f]{32}-[0-9a-f]{16})\] ' "$WORK/baseline.log"; then
		fail "baseline: its log lines carry a trace-id field, so a tracer exists"
	fi
	echo "    full logs carry the trace-id field; baseline logs do not (no tracer)"
	# Load balancing: the baseline always reaches the one salutation-service instance it was given
	fixed=$(curl -fsS --max-time 5 "http://127.0.0.1:$SALUTATION_PORT/salutations?lang=fr" | grep -o 'salutation-service-[0-9a-f]*')
	for i in 1 2 3 4; do
		instance=$(curl -fsS --max-time 5 "http://127.0.0.1:$base_port$PATH_AND_QUERY" | grep -o 'salutation-service-[0-9a-f]*')
		[ "$instance" = "$fixed" ] || fail "baseline reached $instance, not $fixed on :$SALUTATION_PORT"
	done
	echo "    baseline reaches only $fixed (:$SALUTATION_PORT)"
	# Neither instance is registered in Consul, so the gateway sends them nothing
	catalog=$(curl -fsS --max-time 5 -H "X-Consul-Token: $PLATFORM_CONSUL_TOKEN" "http://127.0.0.1:8500/v1/catalog/service/greeter-service")
	if echo "$catalog" | grep -Eq "\"ServicePort\": *($full_port|$base_port)[,}]"; then
		fail "a benchmark instance is registered in Consul"
	fi
	echo "    neither instance is registered in Consul"
}

# What salutation-service's instances have seen of fault switching: per instance, its id and how many
# writes (POST, DELETE) its /actuator/faults has served. A change across a round means a fault was
# set (and maybe cleared again) or an instance restarted meanwhile.
salutation_disturbances() {
	local port
	for port in "${SALUTATION_PORTS[@]}"; do
		curl -fsS --max-time 5 "http://127.0.0.1:$port/actuator/prometheus" 2>/dev/null \
			| awk -v port="$port" '/^http_server_requests_seconds_count\{/ && /uri="\/actuator\/faults"/ && !/method="GET"/ { n += $NF }
				/^process_start_time_seconds/ { start = $NF }
				END { printf ":%s started %s, %d fault writes; ", port, start, n }' || printf ':%s unreachable; ' "$port"
	done
}

# --- main -----------------------------------------------------------------------------------------

cd "$ROOT"
install_wrk
ensure_jar
ensure_platform

FULL_PORT=$(free_port 18081)
BASE_PORT=$(free_port $((FULL_PORT + 1)))
cp "$(jar_of greeter-service)" "$WORK/greeter-service.jar"

say "Starting greeter-service twice from one jar: full on :$FULL_PORT, baseline on :$BASE_PORT"
echo "    JVM options (both): $JAVA_OPTS"
start_instance full "$FULL_PORT" "${FULL_ARGS[@]}"
start_instance baseline "$BASE_PORT" "${BASELINE_ARGS[@]}"
await_instance full "$FULL_PORT"
await_instance baseline "$BASE_PORT"

say "Checking both instances"
await_no_faults
check_greeting full "$FULL_PORT"
check_greeting baseline "$BASE_PORT"
check_features "$FULL_PORT" "$BASE_PORT"

# Under this load a JVM keeps compiling for minutes: C2 gets a share of one core, and the full
# starter's hot path is several times longer than the baseline's (in a trial, full's compiler threads
# still took 20 % of its CPU after 4 minutes). Warm each instance up in runs of WARMUP until its JIT
# compiler threads took less than JIT_SETTLED per cent of its CPU during a run, at most WARMUP_RUNS.
say "Warm-up in runs of $WARMUP per instance until its JIT compiler settles (discarded)"
for name in full baseline; do
	port=$FULL_PORT; [ "$name" = baseline ] && port=$BASE_PORT
	for run in $(seq 1 "$WARMUP_RUNS"); do
		await_no_faults
		read -r rps p50 p99 errors cpu jit < <(run_wrk "$name" "$port" "$WARMUP" "$WORK/warmup-$name-$run.txt")
		printf '    %-8s run %2d %9s req/s  %.3f ms CPU/req, JIT %4s %%  p99 %7s ms  errors %s\n' \
			"$name" "$run" "$rps" "$cpu" "$jit" "$p99" "$errors"
		awk -v j="$jit" -v max="$JIT_SETTLED" 'BEGIN { exit !(j < max) }' && break
		[ "$run" -lt "$WARMUP_RUNS" ] || echo "    $name: JIT still busy after $WARMUP_RUNS runs; measuring anyway"
	done
done

say "$ROUNDS rounds of ${DURATION} per instance, order alternating (${WRK[*]} -t$THREADS -c$CONNECTIONS)"
: >"$WORK/rounds.txt"
round=1
redone=0
while [ "$round" -le "$ROUNDS" ]; do
	if [ $((round % 2)) = 1 ]; then order=(full baseline); else order=(baseline full); fi
	await_no_faults
	before=$(salutation_disturbances)
	declare -A R=()
	for name in "${order[@]}"; do
		port=$FULL_PORT; [ "$name" = baseline ] && port=$BASE_PORT
		read -r rps p50 p99 errors cpu jit < <(run_wrk "$name" "$port" "$DURATION" "$WORK/round$round-$name.txt")
		R[$name]="$rps $p50 $p99 $errors $cpu"
		printf '    round %d  %-8s %9s req/s  %.3f ms CPU/req  p50 %7s ms  p99 %7s ms  errors %s\n' \
			"$round" "$name" "$rps" "$cpu" "$p50" "$p99" "$errors"
	done
	after=$(salutation_disturbances)
	faults=$(salutation_faults)
	[ -n "$faults" ] || [ "$before" = "$after" ] || faults="salutation-service changed during the round (before: $before after: $after)"
	if [ -n "$faults" ]; then
		# Someone injected a fault during the round (the end-to-end tests do): it hits the baseline,
		# pinned to one instance, and not the full instance, which balances away from it.
		redone=$((redone + 1))
		[ "$redone" -le "$MAX_REDONE" ] || fail "salutation-service had faults injected in $redone rounds; run the benchmark when no end-to-end tests run"
		echo "    round $round discarded: $faults; measuring it again"
		unset R
		continue
	fi
	echo "$round ${order[0]} ${R[full]} ${R[baseline]}" >>"$WORK/rounds.txt"
	unset R
	round=$((round + 1))
done

# rounds.txt: round first full_rps full_p50 full_p99 full_err full_cpu base_rps base_p50 base_p99 base_err base_cpu
col() { awk -v c="$1" '{ print $c }' "$WORK/rounds.txt" | median; }
FULL_RPS=$(col 3); FULL_P50=$(col 4); FULL_P99=$(col 5); FULL_CPU=$(col 7)
BASE_RPS=$(col 8); BASE_P50=$(col 9); BASE_P99=$(col 10); BASE_CPU=$(col 12)
RATIO=$(awk '{ printf "%.4f\n", $3 / $8 }' "$WORK/rounds.txt" | median)
CPU_RATIO=$(awk '{ printf "%.4f\n", $7 / $12 }' "$WORK/rounds.txt" | median)
ERRORS=$(awk '{ s += $6 + $11 } END { print s + 0 }' "$WORK/rounds.txt")
ADDED_P50=$(awk -v a="$FULL_P50" -v b="$BASE_P50" 'BEGIN { printf "%+.2f", a - b }')
ADDED_P99=$(awk -v a="$FULL_P99" -v b="$BASE_P99" 'BEGIN { printf "%+.2f", a - b }')
VERDICT=$(awk -v r="$RATIO" 'BEGIN { print (r >= 0.95 ? "meets" : "misses") }')

markdown() {
	echo "### Run of $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Command: \`ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP WARMUP_RUNS=$WARMUP_RUNS JIT_SETTLED=$JIT_SETTLED CONNECTIONS=$CONNECTIONS THREADS=$THREADS" \
		"${FULL_EXTRA_ARGS:+FULL_EXTRA_ARGS='$FULL_EXTRA_ARGS' }bench/starter-overhead.sh\`" \
		"(wrk: \`${WRK[*]} -t$THREADS -c$CONNECTIONS -d$DURATION --latency\`)"
	echo
	echo "Machine: $(nproc) CPUs ($(lscpu 2>/dev/null | awk -F: '/^Model name/ { gsub(/^ +/, "", $2); print $2; exit }'))," \
		"$(free -m | awk '/^Mem:/ { printf "%.1f GiB", $2 / 1024 }') RAM, $(uname -sr)," \
		"$(java -version 2>&1 | head -1), $(wrk --version 2>&1 | head -1 | awk '{ print $1, $2 }')"
	echo
	echo "| round | order | full req/s | baseline req/s | ratio | full CPU ms/req | baseline CPU ms/req | full p50 ms | baseline p50 ms | full p99 ms | baseline p99 ms |"
	echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	awk '{ order = ($2 == "full") ? "full, baseline" : "baseline, full"
		printf "| %d | %s | %.0f | %.0f | %.3f | %.3f | %.3f | %.2f | %.2f | %.2f | %.2f |\n", $1, order, $3, $8, $3 / $8, $7, $12, $4, $9, $5, $10 }' \
		"$WORK/rounds.txt"
	printf '| **median** | | **%.0f** | **%.0f** | **%.3f** | **%.3f** | **%.3f** | **%.2f** | **%.2f** | **%.2f** | **%.2f** |\n' \
		"$FULL_RPS" "$BASE_RPS" "$RATIO" "$FULL_CPU" "$BASE_CPU" "$FULL_P50" "$BASE_P50" "$FULL_P99" "$BASE_P99"
	echo
	echo "- Throughput ratio full / baseline (median of the per-round ratios): **$RATIO** ($VERDICT the goal of ≥ 0.95)"
	echo "- CPU time per request of the instance itself, full / baseline (median of the per-round ratios): **$CPU_RATIO**"
	echo "- Added latency (median full − median baseline): p50 **$ADDED_P50 ms**, p99 **$ADDED_P99 ms**"
	echo "- Non-2xx responses and socket errors during the measured rounds: $ERRORS"
	echo "- Rounds discarded and measured again because salutation-service had a fault injected or restarted meanwhile: $redone"
}

say "Results"
markdown | tee "$WORK/results.md"
if [ -n "$APPEND" ]; then
	{ echo; cat "$WORK/results.md"; } >>"$APPEND"
	echo "Appended to $APPEND"
fi
