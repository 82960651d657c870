# Functions and settings of the benchmarks that run extra greeter-service instances from one jar
# copied to $WORK/greeter-service.jar (bench/starter-overhead.sh, bench/starter-mechanisms.sh);
# sourced after bench/lib.sh, not run.

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
JIT_SETTLED=${JIT_SETTLED:-5}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
# The platform's salutation-service instances, which every greeter instance calls
SALUTATION_PORTS=(8091 8092)
# The one the baseline calls by URL
SALUTATION_PORT=${SALUTATION_PORTS[0]}
# The endpoint measured
PATH_AND_QUERY='/greetings?name=Ada&lang=fr'

# The benchmarks need Consul (configuration and discovery), config-service, both salutation-service
# instances and Zipkin (where the full starter reports its sampled spans).
NEEDED=(consul zipkin config-service salutation-service-1 salutation-service-2)

# Every instance's options besides the port. Properties on the command line win over the starter's
# defaults and over config-repo/.
COMMON_ARGS=(--spring.cloud.consul.discovery.register=false)
# The full starter as shipped, with tracing sampled at 10 %
SAMPLED_TRACING=--management.tracing.sampling.probability=0.1
# The starter's mechanisms switched off
BASELINE_ARGS=(
	# Load-balancing strategy, outlier ejection, retry budget, deadline propagation
	--platform.client.enabled=false
	# Inbound protection: no rate limits are configured, and no concurrency limit. Not
	# platform.inbound.enabled=false: GreetingController needs the DegradationSwitch it provides.
	--platform.inbound.concurrency.mode=none
	# Tracing: no tracer, no propagation, no export (management.tracing.enabled is gone in Boot 4)
	--management.tracing.export.enabled=false
	--management.tracing.sampling.probability=0
	# Metrics: no Prometheus registry (the endpoint answers 404), every meter denied, no observations
	--management.prometheus.metrics.export.enabled=false
	--management.defaults.metrics.export.enabled=false
	--management.metrics.enable.all=false
	--management.observations.enable.all=false
	# Resilience: no circuit breaker or bulkhead around the HTTP service client, no retries
	--spring.cloud.circuitbreaker.http-services.enabled=false
	--spring.cloud.circuitbreaker.resilience4j.enabled=false
	--spring.cloud.loadbalancer.retry.enabled=false
	# One salutation-service instance by URL: a base URL that is not lb:// gets no load balancer
	--spring.http.serviceclient.salutation-service.base-url=http://127.0.0.1:$SALUTATION_PORT
)

install_wrk() {
	command -v wrk >/dev/null 2>&1 && return 0
	say "Installing wrk"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y wrk >/dev/null 2>&1 \
		|| { apt-get update -q >/dev/null && apt-get install -y wrk >/dev/null; } \
		|| fail "could not install wrk with apt-get"
}

jar_of() { echo "$ROOT/$1/target/$1-$VERSION.jar"; }

ensure_jar() {
	[ -f "$(jar_of greeter-service)" ] && return 0
	say "Building the services (./mvnw -q install -DskipTests)"
	(cd "$ROOT" && ./mvnw -q install -DskipTests)
}

# start_instance NAME PORT ARGS...: runs the copied greeter jar; prints nothing, records the pid.
start_instance() {
	local name=$1 port=$2; shift 2
	SPRING_CLOUD_CONSUL_DISCOVERY_HOSTNAME=127.0.0.1 \
		nohup java $JAVA_OPTS -jar "$WORK/greeter-service.jar" --server.port="$port" "${COMMON_ARGS[@]}" "$@" \
		>"$WORK/$name.log" 2>&1 </dev/null &
	local pid=$!
	STARTED_PIDS+=("$pid")
	eval "PID_$name=$pid"
	echo "    started $name on :$port (pid $pid, log $WORK/$name.log)"
}

await_instance() {
	local name=$1 port=$2 pid deadline=$((SECONDS + START_TIMEOUT))
	pid=$(eval "echo \$PID_$name")
	until curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/actuator/health" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 40 "$WORK/$name.log" >&2
			fail "$name exited before it was up (log above)"
		fi
		[ $SECONDS -ge $deadline ] && { tail -n 40 "$WORK/$name.log" >&2; fail "$name was not up within ${START_TIMEOUT}s"; }
		sleep 0.5
	done
	echo "    $name is up"
}

check_greeting() {
	local name=$1 port=$2 body code
	body=$(curl -sS --max-time 5 -w '\n%{http_code}' "http://127.0.0.1:$port$PATH_AND_QUERY")
	code=${body##*$'\n'}
	body=${body%$'\n'*}
	[ "$code" = 200 ] || fail "$name answered $code: $body"
	[[ $body == *'"message":"Hello, Ada! Greetings from the platform."'* && $body == *'"text":"Bonjour"'* \
		&& $body == *'"fallback":false'* ]] || fail "$name answered an unexpected body: $body"
	echo "    $name: 200 $body"
}

# salutation-service's instances are the platform's, shared with whoever uses it: the end-to-end
# tests inject delays and errors into them through /actuator/faults. Prints the faults set, if any.
salutation_faults() {
	local port fault out=
	for port in "${SALUTATION_PORTS[@]}"; do
		fault=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/actuator/faults" 2>/dev/null) || fault=unreachable
		[ "$fault" = '{"delayMillis":0,"status":0}' ] || out+="salutation-service :$port fault $fault; "
	done
	printf '%s' "$out"
}

await_no_faults() {
	local faults deadline=$((SECONDS + 120)) said=0
	while faults=$(salutation_faults) && [ -n "$faults" ]; do
		[ $SECONDS -ge $deadline ] && fail "salutation-service still has faults injected after 120 s: $faults"
		[ "$said" = 1 ] || { echo "    waiting for the faults to be cleared: $faults"; said=1; }
		sleep 1
	done
}

WRK=(wrk)
command -v taskset >/dev/null 2>&1 && WRK=(taskset -c "$WRK_CPU" wrk)

# run_wrk NAME PORT SECONDS OUT: one wrk run on an instance; prints what wrk_figures prints
run_wrk() {
	local name=$1 port=$2 duration=$3 out=$4 pid cpu jit
	pid=$(eval "echo \$PID_$name")
	cpu=$(cpu_ticks "$pid"); jit=$(jit_ticks "$pid")
	"${WRK[@]}" -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency "http://127.0.0.1:$port$PATH_AND_QUERY" >"$out"
	wrk_figures "$out" $(($(cpu_ticks "$pid") - cpu)) $(($(jit_ticks "$pid") - jit)) \
		|| fail "could not parse wrk's output for $name: $(cat "$out")"
}
