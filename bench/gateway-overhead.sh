#!/usr/bin/env bash
# What the gateway costs in front of a backend, next to nginx doing the same job, side by side in one
# run: wrk (one thread, pinned to its own core) against five targets in interleaved rounds whose order
# rotates, warm-up discarded, medians.
#
#   direct       the backend itself: an nginx that answers {"echo":true} (the same backend for all)
#   nginx        nginx as a reverse proxy to it (one worker, upstream keep-alive on)
#   gw-static    our gateway, a static route (http://) to it, no filters of ours, no tracing
#   gw-lb        the same gateway, the backend found in Consul (lb://, discovery locator), no filters
#   gw-full      our gateway as shipped: consumer API key, Redis rate limit, circuit breaker, retry,
#                request size, secure headers, access log, metrics, tracing at 10 % sampling, lb://
#
# Each target is measured twice a round: saturated (-c CONNECTIONS) for throughput and CPU time per
# request, and at light load (one connection) for latency. The proxies and the backend share the
# other core(s) (SERVER_CPUS). Uses the running platform (Consul, Redis, config-service) or starts it
# and then stops it at the end.
#
# Usage: bench/gateway-overhead.sh [--append FILE]
#   --append FILE  also append the Markdown results section to FILE
# Tunables (environment): ROUNDS=5 DURATION=10s LIGHT_DURATION=10s WARMUP=30s WARMUP_RUNS=20 CONNECTIONS=32
#   JIT_SETTLED=5 WRK_CPU=1 SERVER_CPUS=0 BENCH_JAVA_OPTS (the gateways' JVM options), START_TIMEOUT=180 (seconds)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
LIGHT_DURATION=${LIGHT_DURATION:-10s}
WARMUP=${WARMUP:-30s}
WARMUP_RUNS=${WARMUP_RUNS:-20}
JIT_SETTLED=${JIT_SETTLED:-5}
CONNECTIONS=${CONNECTIONS:-32}
SERVER_CPUS=${SERVER_CPUS:-0}
TARGETS=(direct nginx gw-static gw-lb gw-full)
SERVICE=bench-backend

APPEND=
while [ $# -gt 0 ]; do
	case $1 in
		--append) APPEND=${2:?--append needs a file}; shift 2 ;;
		-h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
	esac
done


WORK=$(mktemp -d "${TMPDIR:-/tmp}/gateway-overhead.XXXXXX")
STARTED_PIDS=()
STARTED_PLATFORM=0
REGISTERED=0

# --- cleanup: only what this script started, by pid -----------------------------------------------

before_cleanup() {
	[ "$REGISTERED" = 1 ] && curl -s -X PUT -H "X-Consul-Token: $PLATFORM_CONSUL_TOKEN" "http://127.0.0.1:8500/v1/agent/service/deregister/$SERVICE-1" >/dev/null
}
clean_up_on_exit

# --- prerequisites --------------------------------------------------------------------------------

install_packages() {
	local missing=()
	command -v wrk >/dev/null 2>&1 || missing+=(wrk)
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
	[ ${#missing[@]} -eq 0 ] && return 0
	say "Installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
		|| { apt-get update -q >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; } \
		|| fail "could not install ${missing[*]} with apt-get"
}
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)

GATEWAY_JAR="$ROOT/gateway-service/target/gateway-service-$VERSION.jar"

ensure_jar() {
	[ -f "$GATEWAY_JAR" ] && return 0
	say "Building the services (./mvnw -q install -DskipTests)"
	(cd "$ROOT" && ./mvnw -q install -DskipTests)
}

# The gateways need Consul (discovery, configuration), config-service (consumers, routes) and Redis
# (rate limits).
NEEDED=(consul redis config-service)

# --- the processes --------------------------------------------------------------------------------

# start NAME COMMAND...: runs a server on SERVER_CPUS, records its pid as PID_<NAME>
start() {
	local name=$1; shift
	nohup taskset -c "$SERVER_CPUS" "$@" >"$WORK/$name.log" 2>&1 </dev/null &
	local pid=$!
	STARTED_PIDS+=("$pid")
	eval "PID_${name//-/_}=$pid"
	echo "    started $name (pid $pid, log $WORK/$name.log)"
}

pid_of() { eval "echo \$PID_${1//-/_}"; }

await_url() {
	local name=$1 url=$2 pid deadline=$((SECONDS + START_TIMEOUT))
	shift 2
	pid=$(pid_of "$name")
	until curl -fsS --max-time 2 -o /dev/null "$@" "$url" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || { tail -n 40 "$WORK/$name.log" >&2; fail "$name exited before it was up"; }
		[ $SECONDS -ge $deadline ] && { tail -n 40 "$WORK/$name.log" >&2; fail "$name was not up within ${START_TIMEOUT}s"; }
		sleep 0.5
	done
}

nginx_conf() { # nginx_conf NAME PORT SERVER_BLOCK_BODY [HTTP_EXTRA]
	mkdir -p "$WORK/$1"
	cat >"$WORK/$1/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $WORK/$1/nginx.pid;
error_log $WORK/$1/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 1000000;
	${4:-}
	server {
		listen 127.0.0.1:$2 backlog=4096;
		$3
	}
}
EOF
}

# --- measuring ------------------------------------------------------------------------------------

WRK=(taskset -c "$WRK_CPU" wrk)

# url_of TARGET, headers_of TARGET (wrk -H arguments), server_of TARGET (the process whose CPU counts)
url_of() {
	case $1 in
		direct) echo "http://127.0.0.1:$BACKEND_PORT/things" ;;
		nginx) echo "http://127.0.0.1:$NGINX_PORT/things" ;;
		gw-static) echo "http://127.0.0.1:$BARE_PORT/static/things" ;;
		gw-lb) echo "http://127.0.0.1:$BARE_PORT/api/$SERVICE/things" ;;
		gw-full) echo "http://127.0.0.1:$FULL_PORT/api/$SERVICE/things" ;;
	esac
}
headers_of() { [ "$1" = gw-full ] && echo "X-API-Key: $BENCH_KEY" || echo "X-Bench: $1"; }
server_of() {
	case $1 in
		direct) pid_of backend ;;
		nginx) pid_of nginx ;;
		gw-static | gw-lb) pid_of gw-bare ;;
		gw-full) pid_of gw-full ;;
	esac
}

# run_wrk TARGET CONNECTIONS DURATION OUT: one wrk run on a target; prints what wrk_figures prints,
# for the process in front of wrk
run_wrk() {
	local target=$1 connections=$2 duration=$3 out=$4 pid cpu jit
	pid=$(server_of "$target")
	cpu=$(cpu_ticks "$pid"); jit=$(jit_ticks "$pid")
	"${WRK[@]}" -t1 -c"$connections" -d"$duration" --latency -H "$(headers_of "$target")" "$(url_of "$target")" >"$out"
	wrk_figures "$out" $(($(cpu_ticks "$pid") - cpu)) $(($(jit_ticks "$pid") - jit)) \
		|| fail "could not parse wrk's output for $target: $(cat "$out")"
}

# --- main -----------------------------------------------------------------------------------------

cd "$ROOT"
install_packages
ensure_jar
ensure_platform

BACKEND_PORT=$(free_port 19080)
NGINX_PORT=$(free_port $((BACKEND_PORT + 1)))
BARE_PORT=$(free_port $((NGINX_PORT + 1)))
BARE_MGMT=$(free_port $((BARE_PORT + 1)))
FULL_PORT=$(free_port $((BARE_MGMT + 1)))
FULL_MGMT=$(free_port $((FULL_PORT + 1)))
BENCH_KEY="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
BENCH_KEY_HASH=$(printf '%s' "$BENCH_KEY" | sha256sum | cut -d' ' -f1)
cp "$GATEWAY_JAR" "$WORK/gateway-service.jar"

say "Starting the backend and nginx (one worker each, on CPU $SERVER_CPUS)"
nginx_conf backend "$BACKEND_PORT" "location / { default_type application/json; return 200 '{\"echo\":true}'; }"
nginx_conf nginx "$NGINX_PORT" 'location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }' \
	"upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 64; }"
start backend "$NGINX" -p "$WORK/backend" -c "$WORK/backend/nginx.conf" -e "$WORK/backend/error.log"
start nginx "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log"
await_url backend "http://127.0.0.1:$BACKEND_PORT/"
await_url nginx "http://127.0.0.1:$NGINX_PORT/"

say "Registering the backend in Consul as $SERVICE"
curl -fsS -X PUT -H "X-Consul-Token: $PLATFORM_CONSUL_TOKEN" "http://127.0.0.1:8500/v1/agent/service/register" -d "{\"ID\": \"$SERVICE-1\", \"Name\": \"$SERVICE\",
	\"Address\": \"127.0.0.1\", \"Port\": $BACKEND_PORT,
	\"Check\": {\"HTTP\": \"http://127.0.0.1:$BACKEND_PORT/\", \"Interval\": \"2s\", \"DeregisterCriticalServiceAfter\": \"1m\"}}" \
	|| fail "could not register $SERVICE in Consul"
REGISTERED=1

GW=--spring.cloud.gateway.server.webflux
COMMON_ARGS=(--spring.cloud.consul.discovery.register=false)
BARE_ARGS=(
	--server.port="$BARE_PORT" --management.server.port="$BARE_MGMT"
	# Only these routes (a list from the command line replaces config-repo's), no default filters but
	# one that costs next to nothing, the discovery routes with the path rewrite only
	"$GW.routes[0].id=bench-static" "$GW.routes[0].uri=http://127.0.0.1:$BACKEND_PORT"
	"$GW.routes[0].predicates[0]=Path=/static/**" "$GW.routes[0].filters[0]=StripPrefix=1"
	"$GW.default-filters[0]=AddResponseHeader=X-Bench-Gateway, bare"
	"$GW.discovery.locator.filters[0].name=RewritePath"
	"$GW.discovery.locator.filters[0].args.regexp='/api/' + serviceId + '/?(?<remaining>.*)'"
	"$GW.discovery.locator.filters[0].args.replacement='/\${remaining}'"
	# No credentials asked on these routes; no tracing; no access log line per request
	--platform.gateway.anonymous-routes[0]=bench-static "--platform.gateway.anonymous-routes[1]=$SERVICE"
	--management.tracing.sampling.probability=0 --management.tracing.export.enabled=false
	--logging.level.dev.microplatform.gateway.access=off
)
FULL_ARGS=(
	--server.port="$FULL_PORT" --management.server.port="$FULL_MGMT"
	# A consumer of its own whose bucket the benchmark never empties
	"--platform.gateway.consumers.bench.api-keys[0]=sha256:$BENCH_KEY_HASH"
	"--platform.gateway.consumers.bench.routes[0]=*"
	--platform.gateway.consumers.bench.rate-limit.replenish-rate=1000000
	--platform.gateway.consumers.bench.rate-limit.burst-capacity=1000000
	# As in the starter's benchmark: 10 % of the traces sampled (the platform's default is all of them)
	--management.tracing.sampling.probability=0.1
)

say "Starting two gateways from one jar: bare on :$BARE_PORT, full on :$FULL_PORT"
echo "    JVM options (both): $JAVA_OPTS"
export SPRING_CLOUD_CONSUL_DISCOVERY_HOSTNAME=127.0.0.1
# shellcheck disable=SC2086
start gw-bare java $JAVA_OPTS -jar "$WORK/gateway-service.jar" "${COMMON_ARGS[@]}" "${BARE_ARGS[@]}"
# shellcheck disable=SC2086
start gw-full java $JAVA_OPTS -jar "$WORK/gateway-service.jar" "${COMMON_ARGS[@]}" "${FULL_ARGS[@]}"
await_url gw-bare "http://127.0.0.1:$BARE_MGMT/actuator/health"
await_url gw-full "http://127.0.0.1:$FULL_MGMT/actuator/health"
# A gateway learns of a new service within its discovery refresh
await_url gw-bare "http://127.0.0.1:$BARE_PORT/api/$SERVICE/things"
await_url gw-full "http://127.0.0.1:$FULL_PORT/api/$SERVICE/things" -H "X-API-Key: $BENCH_KEY"

say "Checking every target"
for target in "${TARGETS[@]}"; do
	body=$(curl -sS --max-time 5 -H "$(headers_of "$target")" -D "$WORK/check-$target.headers" "$(url_of "$target")")
	[ "$body" = '{"echo":true}' ] || fail "$target answered: $body"
	echo "    $target: $(head -1 "$WORK/check-$target.headers" | tr -d '\r') $body"
done
grep -qi '^X-Bench-Gateway:' "$WORK/check-gw-static.headers" || fail "gw-static did not go through the bare gateway's filters"
grep -qi '^X-RateLimit-Remaining:' "$WORK/check-gw-full.headers" || fail "gw-full did not go through the rate limiter"
code=$(curl -s -o /dev/null -w '%{http_code}' "$(url_of gw-full)")
[ "$code" = 401 ] || fail "gw-full answered $code without an API key, expected 401"
echo "    gw-full refuses a call without a key (401) and rate-limits the bench consumer"

# A gateway JVM keeps compiling for minutes (C2 on a large code base, on a shared core), and its
# throughput can stall between two runs while it does: warm each target up in runs of WARMUP until
# a run is no more than 5 % above the best before it (throughput stopped rising; run-to-run noise
# here is larger than that) and its JIT compiler threads took under JIT_SETTLED per cent of its CPU
# (0 for nginx and the backend), at most WARMUP_RUNS runs.
say "Warm-up in runs of $WARMUP per target until throughput stops rising and the JIT settles (discarded)"
for target in "${TARGETS[@]}"; do
	best=0
	for run in $(seq 1 "$WARMUP_RUNS"); do
		read -r rps p50 p99 errors cpu jit < <(run_wrk "$target" "$CONNECTIONS" "$WARMUP" "$WORK/warmup-$target-$run.txt")
		printf '    %-9s run %2d %9s req/s  %.3f ms CPU/req, JIT %4s %%  p99 %7s ms  errors %s\n' \
			"$target" "$run" "$rps" "$cpu" "$jit" "$p99" "$errors"
		awk -v a="$rps" -v b="$best" -v j="$jit" -v max="$JIT_SETTLED" 'BEGIN { exit !(b > 0 && a < b * 1.05 && j < max) }' && break
		best=$(awk -v a="$rps" -v b="$best" 'BEGIN { print (a > b ? a : b) }')
	done
done

say "$ROUNDS rounds, order rotating: ${WRK[*]} -t1, -c$CONNECTIONS for $DURATION, then -c1 for $LIGHT_DURATION"
: >"$WORK/rounds.txt"
for round in $(seq 1 "$ROUNDS"); do
	order=()
	for i in "${!TARGETS[@]}"; do order+=("${TARGETS[$(((i + round - 1) % ${#TARGETS[@]}))]}"); done
	for target in "${order[@]}"; do
		read -r rps p50 p99 errors cpu jit < <(run_wrk "$target" "$CONNECTIONS" "$DURATION" "$WORK/round$round-$target.txt")
		read -r lrps lp50 lp99 lerrors lcpu ljit < <(run_wrk "$target" 1 "$LIGHT_DURATION" "$WORK/round$round-$target-light.txt")
		printf '    round %d  %-9s %9s req/s  %.3f ms CPU/req  errors %s | light: p50 %7s ms  p99 %7s ms\n' \
			"$round" "$target" "$rps" "$cpu" "$((errors + lerrors))" "$lp50" "$lp99"
		echo "$round $target $rps $cpu $lp50 $lp99 $((errors + lerrors))" >>"$WORK/rounds.txt"
	done
done

# rounds.txt: round target rps cpu_ms light_p50 light_p99 errors
med() { awk -v t="$1" -v c="$2" '$2 == t { print $c }' "$WORK/rounds.txt" | median; }
# ratio A B: median over rounds of rps(A) / rps(B), both measured in the same round
ratio() {
	awk -v a="$1" -v b="$2" '$2 == a { x[$1] = $3 } $2 == b { y[$1] = $3 } END { for (r in x) printf "%.4f\n", x[r] / y[r] }' \
		"$WORK/rounds.txt" | median
}

markdown() {
	local target
	echo "### Run of $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Command: \`ROUNDS=$ROUNDS DURATION=$DURATION LIGHT_DURATION=$LIGHT_DURATION WARMUP=$WARMUP WARMUP_RUNS=$WARMUP_RUNS JIT_SETTLED=$JIT_SETTLED CONNECTIONS=$CONNECTIONS bench/gateway-overhead.sh\`" \
		"(wrk: \`${WRK[*]} -t1 -c$CONNECTIONS -d$DURATION --latency\`, then \`-c1 -d$LIGHT_DURATION\`; servers on CPU $SERVER_CPUS)"
	echo
	echo "Machine: $(nproc) CPUs ($(lscpu 2>/dev/null | awk -F: '/^Model name/ { gsub(/^ +/, "", $2); print $2; exit }'))," \
		"$(free -m | awk '/^Mem:/ { printf "%.1f GiB", $2 / 1024 }') RAM, $(uname -sr)," \
		"$(java -version 2>&1 | head -1), $("$NGINX" -v 2>&1 | awk '{ print $3 }'), $(wrk --version 2>&1 | head -1 | awk '{ print $1, $2 }')"
	echo
	echo "| target | req/s (median) | / direct | / nginx | proxy CPU ms per request | light-load p50 ms | p99 ms | added p50 ms | added p99 ms |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	local dp50 dp99
	dp50=$(med direct 5); dp99=$(med direct 6)
	for target in "${TARGETS[@]}"; do
		awk -v t="$target" -v rps="$(med "$target" 3)" -v rd="$(ratio "$target" direct)" -v rn="$(ratio "$target" nginx)" \
			-v cpu="$(med "$target" 4)" -v p50="$(med "$target" 5)" -v p99="$(med "$target" 6)" -v dp50="$dp50" -v dp99="$dp99" \
			'BEGIN { printf "| %s | %.0f | %.3f | %.3f | %.3f | %.3f | %.3f | %+.3f | %+.3f |\n", t, rps, rd, rn, cpu, p50, p99, p50 - dp50, p99 - dp99 }'
	done
	echo
	echo "- Throughput ratios are medians of per-round ratios (both targets measured in the same round)."
	echo "- \"proxy CPU\" is the CPU time of the process in front of wrk (for direct: the backend itself) per request."
	echo "- \"added\" latency is the median light-load (one connection) percentile minus direct's."
	echo "- Goal (issue #4): gw-full / nginx ≥ 0.8: **$(ratio gw-full nginx)**; added p99 at light load < 1 ms:" \
		"**$(awk -v a="$(med gw-full 6)" -v b="$dp99" 'BEGIN { printf "%+.3f ms", a - b }')**"
	echo "- Non-2xx responses and socket errors during the measured rounds: $(awk '{ s += $7 } END { print s + 0 }' "$WORK/rounds.txt")"
}

say "Results"
markdown | tee "$WORK/results.md"
if [ -n "$APPEND" ]; then
	{ echo; cat "$WORK/results.md"; } >>"$APPEND"
	echo "Appended to $APPEND"
fi
