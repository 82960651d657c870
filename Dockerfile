# One image definition for every service of the platform (no copy per service):
#   docker build --build-arg SERVICE=greeter-service -t microplatform/greeter-service .
# docker-compose.yml builds config-service, salutation-service, greeter-service and gateway-service
# from it. Multi-stage: Maven builds the service (and the starter) in a JDK image, Spring Boot's
# jarmode tools split the jar into layers (dependencies change rarely, the application often), and
# the runtime image is a JRE running as a non-root user with container-aware memory settings.

ARG JAVA_VERSION=17

FROM eclipse-temurin:${JAVA_VERSION}-jdk AS build
ARG SERVICE
RUN test -n "$SERVICE" || { echo "--build-arg SERVICE=<module> is required" >&2; exit 1; }
WORKDIR /src
# The Maven wrapper and the poms first, so that dependencies are a cached layer of their own
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY platform-starter/pom.xml platform-starter/
COPY config-service/pom.xml config-service/
COPY salutation-service/pom.xml salutation-service/
COPY greeter-service/pom.xml greeter-service/
COPY gateway-service/pom.xml gateway-service/
# (best effort: whatever it misses, the package step below fetches)
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -pl "$SERVICE" -am dependency:go-offline || true
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -pl "$SERVICE" -am package -DskipTests \
	&& cp "$SERVICE"/target/"$SERVICE"-*.jar /application.jar \
	&& java -Djarmode=tools -jar /application.jar extract --layers --destination /extracted

FROM eclipse-temurin:${JAVA_VERSION}-jre
ARG SERVICE
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --home-dir /app app
WORKDIR /app
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
USER app
# The JVM sizes its heap from the container's memory limit, and exits (so the container restarts)
# rather than limping on after running out of memory.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -Xss512k"
# The readiness probe on the port the actuator listens on (MANAGEMENT_SERVER_PORT if the service has
# one, else SERVER_PORT), with bash alone: the JRE image has no curl.
ENV SERVER_PORT=8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=90s --retries=3 CMD bash -c '\
	exec 3<>"/dev/tcp/127.0.0.1/${MANAGEMENT_SERVER_PORT:-$SERVER_PORT}" \
	&& printf "GET /actuator/health/readiness HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 \
	&& grep -q "\"status\":\"UP\"" <&3'
ENTRYPOINT ["java", "-jar", "/app/application.jar"]
