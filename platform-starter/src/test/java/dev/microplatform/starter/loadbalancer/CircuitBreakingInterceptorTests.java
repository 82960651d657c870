package dev.microplatform.starter.loadbalancer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CircuitBreakingInterceptorTests {

	private final AtomicInteger calls = new AtomicInteger();

	private HttpServer server;

	private volatile int status = 500;

	private RestClient client;

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", (exchange) -> {
			this.calls.incrementAndGet();
			exchange.sendResponseHeaders(this.status, -1);
			exchange.close();
		});
		this.server.start();
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.minimumNumberOfCalls(2)
			.slidingWindowSize(2)
			.failureRateThreshold(50)
			.waitDurationInOpenState(Duration.ofMinutes(1))
			.build());
		Resilience4JConfigurationProperties properties = new Resilience4JConfigurationProperties();
		properties.setDisableThreadPool(true);
		properties.setDisableTimeLimiter(true);
		Resilience4JCircuitBreakerFactory factory = new Resilience4JCircuitBreakerFactory(registry,
				TimeLimiterRegistry.ofDefaults(), null, properties);
		this.client = RestClient.builder()
			.requestInterceptor(new CircuitBreakingInterceptor(factory))
			.baseUrl("http://127.0.0.1:" + this.server.getAddress().getPort())
			.build();
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void serverErrorsReachTheCallerAsTheyWereAndOpenTheCircuit() {
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(HttpServerErrorException.class)
				.isThrownBy(() -> this.client.get().uri("/x").retrieve().toBodilessEntity());
		}
		assertThatExceptionOfType(CallNotPermittedException.class)
			.isThrownBy(() -> this.client.get().uri("/x").retrieve().toBodilessEntity());
		assertThat(this.calls).as("calls that reached the server").hasValue(2);
	}

	@Test
	void successesKeepTheCircuitClosed() {
		this.status = 204;
		for (int i = 0; i < 5; i++) {
			assertThat(this.client.get().uri("/x").retrieve().toBodilessEntity().getStatusCode().value()).isEqualTo(204);
		}
		assertThat(this.calls).hasValue(5);
	}

	@Test
	void connectionFailuresAreTheCallersIoErrorsAndCountAsFailures() {
		this.server.stop(0);
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> this.client.get().uri("/x").retrieve().toBodilessEntity());
		}
		assertThatExceptionOfType(CallNotPermittedException.class)
			.isThrownBy(() -> this.client.get().uri("/x").retrieve().toBodilessEntity());
	}

}
