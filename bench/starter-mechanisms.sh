#!/usr/bin/env bash
# What each mechanism of platform-starter costs on greeter-service's GET /greetings: greeter
# instances from one jar side by side, the full starter, the full starter with one mechanism switched
# off each, and bench/starter-overhead.sh's baseline, measured with wrk in rounds whose order rotates.
# Reports each instance's CPU time per request and its ratio to the baseline's (medians of the
# rounds): CPU per request depends far less than throughput on what else the two cores do meanwhile.
#
# Neither instance registers in Consul. Uses the running platform (./platform status), or starts it
# and then stops it at the end.
#
# Usage: bench/starter-mechanisms.sh [--append FILE]
#   --append FILE  also append the Markdown results section to FILE
# Tunables (environment): ROUNDS=5 DURATION=10s CONNECTIONS=16 THREADS=1 WRK_CPU=1
#   WARMUP=20s WARMUP_RUNS=12 JIT_SETTLED=5 (warm-up passes over every instance until each one's JIT
#   took under 5 % of its CPU in the same pass), BENCH_JAVA_OPTS, START_TIMEOUT=180 (seconds)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
# shellcheck source=bench/greeter-instances.sh
. "$ROOT/bench/greeter-instances.sh"
WARMUP=${WARMUP:-20s}
WARMUP_RUNS=${WARMUP_RUNS:-12}

APPEND=
while [ $# -gt 0 ]; do
	case $1 in
		--append) APPEND=${2:?--append needs a file}; shift 2 ;;
		-h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
	esac
done

# name, then what it switches off (full: nothing), then its properties
NAMES=(full no_observations no_retry no_breaker no_limit baseline)
declare -A WHAT=(
	[full]="–"
	[no_observations]="observations: no HTTP timers, no spans, no trace ids (\`management.observations.enable.all=false\`)"
	[no_retry]="retries: the plain load-balancer interceptor (\`spring.cloud.loadbalancer.retry.enabled=false\`)"
	[no_breaker]="circuit breaker and bulkhead (\`spring.cloud.circuitbreaker.http-services.enabled=false\`)"
	[no_limit]="adaptive concurrency limit (\`platform.inbound.concurrency.mode=none\`)"
	[baseline]="everything, as bench/starter-overhead.sh's baseline"
)
declare -A ARGS=(
	[full]="$SAMPLED_TRACING"
	[no_observations]="$SAMPLED_TRACING --management.observations.enable.all=false"
	[no_retry]="$SAMPLED_TRACING --spring.cloud.loadbalancer.retry.enabled=false"
	[no_breaker]="$SAMPLED_TRACING --spring.cloud.circuitbreaker.http-services.enabled=false"
	[no_limit]="$SAMPLED_TRACING --platform.inbound.concurrency.mode=none"
	[baseline]="${BASELINE_ARGS[*]}"
)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/starter-mechanisms.XXXXXX")
STARTED_PIDS=()
STARTED_PLATFORM=0
clean_up_on_exit

cd "$ROOT"
install_wrk
ensure_jar
ensure_platform
cp "$(jar_of greeter-service)" "$WORK/greeter-service.jar"

say "Starting greeter-service ${#NAMES[@]} times from one jar"
echo "    JVM options (all): $JAVA_OPTS"
declare -A PORT=()
port=18100
for name in "${NAMES[@]}"; do
	port=$(free_port $((port + 1)))
	PORT[$name]=$port
	# shellcheck disable=SC2086 # ARGS holds whitespace-separated properties
	start_instance "$name" "$port" ${ARGS[$name]}
done
for name in "${NAMES[@]}"; do await_instance "$name" "${PORT[$name]}"; done
await_no_faults
for name in "${NAMES[@]}"; do check_greeting "$name" "${PORT[$name]}"; done

say "Warm-up in passes of $WARMUP per instance until every JIT compiler settles (discarded)"
for pass in $(seq 1 "$WARMUP_RUNS"); do
	settled=1
	for name in "${NAMES[@]}"; do
		read -r rps p50 p99 errors cpu jit < <(run_wrk "$name" "${PORT[$name]}" "$WARMUP" "$WORK/warmup-$name-$pass.txt")
		printf '    pass %2d %-16s %9s req/s  %.3f ms CPU/req, JIT %4s %%\n' "$pass" "$name" "$rps" "$cpu" "$jit"
		awk -v j="$jit" -v max="$JIT_SETTLED" 'BEGIN { exit !(j < max) }' || settled=0
	done
	[ "$settled" = 1 ] && break
	[ "$pass" -lt "$WARMUP_RUNS" ] || echo "    JIT still busy after $WARMUP_RUNS passes; measuring anyway"
done

say "$ROUNDS rounds of $DURATION per instance, the order rotating (${WRK[*]} -t$THREADS -c$CONNECTIONS)"
: >"$WORK/rounds.txt"
for round in $(seq 1 "$ROUNDS"); do
	shift_by=$(((round - 1) % ${#NAMES[@]}))
	order=("${NAMES[@]:shift_by}" "${NAMES[@]:0:shift_by}")
	await_no_faults
	for name in "${order[@]}"; do
		read -r rps p50 p99 errors cpu jit < <(run_wrk "$name" "${PORT[$name]}" "$DURATION" "$WORK/round$round-$name.txt")
		printf '    round %d  %-16s %9s req/s  %.3f ms CPU/req  p99 %7s ms  errors %s\n' "$round" "$name" "$rps" "$cpu" "$p99" "$errors"
		echo "$round $name $rps $cpu $errors" >>"$WORK/rounds.txt"
	done
done

# rounds.txt: round name rps cpu errors
of() { awk -v n="$1" -v c="$2" '$2 == n { print $c }' "$WORK/rounds.txt" | median; }
ratio_to_baseline() {
	awk -v n="$1" '$2 == "baseline" { b[$1] = $4 } $2 == n { c[$1] = $4 } END { for (r in c) printf "%.4f\n", c[r] / b[r] }' \
		"$WORK/rounds.txt" | median
}

markdown() {
	local name
	echo "### Mechanisms, run of $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Command: \`ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP WARMUP_RUNS=$WARMUP_RUNS JIT_SETTLED=$JIT_SETTLED CONNECTIONS=$CONNECTIONS THREADS=$THREADS bench/starter-mechanisms.sh\`" \
		"(wrk: \`${WRK[*]} -t$THREADS -c$CONNECTIONS -d$DURATION --latency\`)"
	echo
	echo "Machine: $(nproc) CPUs, $(uname -sr), $(java -version 2>&1 | head -1)"
	echo
	echo "| instance | switched off | req/s | CPU ms/req | CPU ratio to baseline | CPU ms/req per round |"
	echo "|---|---|---:|---:|---:|---|"
	for name in "${NAMES[@]}"; do
		printf '| %s | %s | %.0f | %.3f | **%.2f** | %s |\n' "$name" "${WHAT[$name]}" "$(of "$name" 3)" "$(of "$name" 4)" \
			"$(ratio_to_baseline "$name")" "$(awk -v n="$name" '$2 == n { printf "%s%.3f", sep, $4; sep = " " }' "$WORK/rounds.txt")"
	done
	echo
	echo "- Non-2xx responses and socket errors during the measured rounds: $(awk '{ s += $5 } END { print s + 0 }' "$WORK/rounds.txt")"
}

say "Results"
markdown | tee "$WORK/results.md"
if [ -n "$APPEND" ]; then
	{ echo; cat "$WORK/results.md"; } >>"$APPEND"
	echo "Appended to $APPEND"
fi
