# Functions the benchmark scripts share; sourced, not run. The caller sets ROOT, WORK (its scratch
# folder), NEEDED (the platform's components it needs), STARTED_PIDS=() and STARTED_PLATFORM=0, and
# calls clean_up_on_exit.

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
fail() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# stop_pid PID: TERM, then KILL after 30 s
stop_pid() {
	local pid=$1 deadline=$((SECONDS + 30))
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do
		if [ $SECONDS -ge $deadline ]; then
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.2
	done
}

# Uses the running platform if every NEEDED component runs; completes it with ./platform up
# otherwise, and sets STARTED_PLATFORM=1 when it started it from nothing (the caller stops it).
# Exports the client password of config-service: the instances a benchmark starts fetch their
# configuration with it, as the launcher's do (a service does not start without its configuration);
# and RabbitMQ's password and Consul's services' token, with which they join the bus and register.
ensure_platform() {
	start_platform
	PLATFORM_CONFIG_CLIENT_PASSWORD=$(cat "$ROOT/.platform/secrets/config-client-password")
	PLATFORM_RABBITMQ_PASSWORD=$(cat "$ROOT/.platform/secrets/rabbitmq-password")
	PLATFORM_CONSUL_TOKEN=$(cat "$ROOT/.platform/secrets/consul-services-token")
	export PLATFORM_CONFIG_CLIENT_PASSWORD PLATFORM_RABBITMQ_PASSWORD PLATFORM_CONSUL_TOKEN
}

start_platform() {
	local status_out name missing=() any_running=0
	status_out=$("$ROOT/platform" status)
	for name in "${NEEDED[@]}"; do
		echo "$status_out" | awk -v n="$name" '$1 == n && $3 == "running" { found = 1 } END { exit !found }' \
			|| missing+=("$name")
	done
	echo "$status_out" | awk 'NR > 1 && $3 == "running" { found = 1 } END { exit !found }' && any_running=1
	if [ ${#missing[@]} -eq 0 ]; then
		say "Using the running platform"
		return 0
	fi
	if [ "$any_running" = 0 ]; then
		say "Starting the platform (./platform up); this run stops it at the end"
		STARTED_PLATFORM=1
	else
		say "The platform runs in part (${missing[*]} stopped): completing it with ./platform up, left running at the end"
	fi
	"$ROOT/platform" up
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port PORT: PORT or the first free one above it
free_port() {
	local port=$1
	while port_taken "$port"; do port=$((port + 1)); done
	echo "$port"
}

# to_ms VALUE: a wrk latency (812.00us, 3.41ms, 1.02s) in milliseconds
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.3f", n }'
}

# median: of the numbers on standard input, one per line
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# cpu_ticks PID: CPU time (user + system, in clock ticks) used so far by a process and its children
# (nginx: master and workers; a JVM: all its threads)
cpu_ticks() {
	local pid=$1 total=0 p
	for p in "$pid" $(pgrep -P "$pid" || true); do
		total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)

# jit_ticks PID: CPU time (clock ticks) a JVM's JIT compiler threads have used so far
jit_ticks() {
	local pid=$1 total=0 task
	for task in /proc/"$pid"/task/*; do
		case $(cat "$task/comm" 2>/dev/null) in
			"C1 CompilerThre"* | "C2 CompilerThre"*)
				# utime and stime are fields 14 and 15; the thread's name in field 2 holds a space
				total=$((total + $(sed 's/^.*) //' "$task/stat" 2>/dev/null | awk '{ print $12 + $13 }'))) ;;
		esac
	done
	echo "$total"
}

# wrk_figures OUT CPU JIT: from wrk's --latency output in OUT, and the clock ticks the server (CPU) and
# its JIT compiler threads (JIT) used meanwhile, prints "rps p50 p99 errors cpu jit": errors are
# non-2xx responses plus socket errors, cpu the server's CPU milliseconds per request, jit the share
# of that CPU, in per cent, its JIT compiler took. Fails if OUT is not wrk's output.
wrk_figures() {
	local out=$1 cpu=$2 jit=$3 rps p50 p99 requests non2xx socket
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	requests=$(awk '/requests in/ { print $1 }' "$out")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
	socket=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")
	[ -n "$rps" ] && [ -n "$p50" ] && [ -n "$p99" ] && [ -n "$requests" ] || return 1
	echo "$rps $p50 $p99 $(( ${non2xx:-0} + ${socket:-0} ))" \
		"$(awk -v t="$cpu" -v j="$jit" -v hz="$CLK_TCK" -v n="$requests" \
			'BEGIN { printf "%.4f %.1f", t / hz * 1000 / n, (t > 0 ? 100 * j / t : 0) }')"
}

# On exit, whatever the cause: the script's own before_cleanup if it defines one, then stop the
# processes it started (STARTED_PIDS) and the platform if it started it; keep WORK if it failed.
cleanup() {
	local status=$? pid
	trap - EXIT INT TERM
	if declare -F before_cleanup >/dev/null; then before_cleanup || true; fi
	if [ ${#STARTED_PIDS[@]} -gt 0 ]; then
		say "Stopping the benchmark's processes (pids ${STARTED_PIDS[*]})"
		for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
	fi
	if [ "$STARTED_PLATFORM" = 1 ]; then
		say "Stopping the platform this run started"
		"$ROOT/platform" down || true
	fi
	if [ "$status" = 0 ]; then
		rm -rf "$WORK"
	else
		echo "Logs kept in $WORK" >&2
	fi
	exit "$status"
}

clean_up_on_exit() {
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# --- settings both benchmarks share ----------------------------------------------------------------

VERSION=0.1.0-SNAPSHOT
WRK_CPU=${WRK_CPU:-1}
START_TIMEOUT=${START_TIMEOUT:-180}
# The launcher's JVM options without -XX:TieredStopAtLevel=1: C1 only would measure a JVM that never
# reaches its steady state. The same options for every JVM under test.
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms64m -Xmx256m -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m -Xss512k -XX:+UseSerialGC}
