package dev.microplatform.starter.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import dev.microplatform.starter.inbound.DeadlineFilter;
import dev.microplatform.starter.problem.ProblemSerializer;
import dev.microplatform.starter.inbound.RequestDeadline;
import dev.microplatform.starter.loadbalancer.PlatformLoadBalancerAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.blocking.retry.BlockingLoadBalancedRetryFactory;
import org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration;
import org.springframework.cloud.loadbalancer.core.RandomLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformClientAutoConfigurationTests {

	private static final String GREETER = "greeter";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PlatformClientAutoConfiguration.class, UtilAutoConfiguration.class,
				SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
				org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class,
				org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration.class,
				BlockingLoadBalancerClientAutoConfiguration.class));

	private Instance healthy;

	private Instance failing;

	@BeforeEach
	void startInstances() throws IOException {
		this.healthy = new Instance(200, "hello from the healthy instance");
		this.failing = new Instance(503, "unavailable");
	}

	@AfterEach
	void stopInstances() {
		this.healthy.stop();
		this.failing.stop();
	}

	@Test
	void defaultsAreBudgetedRetriesOutcomeRecordingAndDeadlinePropagation() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ServiceTargets.class)
				.hasSingleBean(CallOutcomeRecorder.class)
				.hasSingleBean(PlatformClientProperties.class)
				.hasSingleBean(DeadlinePropagatingInterceptor.class)
				.hasBean("deadlinePropagatingRestClientCustomizer");
			assertThat(context.getBean(LoadBalancedRetryFactory.class)).isInstanceOf(BudgetedRetryFactory.class);
			// Spring Cloud LoadBalancer finds the recorder from each target's own context
			Map<String, LoadBalancerLifecycle> lifecycles = context.getBean(LoadBalancerClientFactory.class)
				.getInstances(GREETER, LoadBalancerLifecycle.class);
			assertThat(lifecycles.values()).contains(context.getBean(CallOutcomeRecorder.class));
		});
	}

	@Test
	void eachTargetsBalancerAndLifecycleBeansAreLookedUpOnce() {
		this.contextRunner.run((context) -> {
			LoadBalancerClientFactory factory = context.getBean(LoadBalancerClientFactory.class);
			assertThat(factory).isInstanceOf(CachingLoadBalancerClientFactory.class);
			assertThat(factory.getInstance(GREETER)).isSameAs(factory.getInstance(GREETER))
				.isSameAs(factory.getInstance(GREETER, ReactorLoadBalancer.class));
			Map<String, LoadBalancerLifecycle> lifecycles = factory.getInstances(GREETER, LoadBalancerLifecycle.class);
			assertThat(lifecycles).containsValue(context.getBean(CallOutcomeRecorder.class)).isUnmodifiable();
			assertThat(factory.getInstances(GREETER, LoadBalancerLifecycle.class)).isSameAs(lifecycles);
			assertThat(factory.getInstances("salutation", LoadBalancerLifecycle.class)).isNotSameAs(lifecycles)
				.isEqualTo(lifecycles);
		});
	}

	@Test
	void backsOffWhenTheServiceDefinesItsOwnLoadBalancerClientFactory() {
		this.contextRunner.withUserConfiguration(OwnLoadBalancerClientFactory.class).run((context) -> {
			assertThat(context).hasSingleBean(LoadBalancerClientFactory.class);
			assertThat(context.getBean(LoadBalancerClientFactory.class))
				.isNotInstanceOf(CachingLoadBalancerClientFactory.class);
			assertThat(context.getBean(LoadBalancerClientFactory.class).getInstance(GREETER))
				.isInstanceOf(RoundRobinLoadBalancer.class);
		});
	}

	@Test
	void everyRestClientBuilderIsCustomizedToPassDeadlinesOn() {
		this.contextRunner.run((context) -> {
			RestClientCustomizer customizer = context.getBean("deadlinePropagatingRestClientCustomizer",
					RestClientCustomizer.class);
			RestClient.Builder builder = RestClient.builder();
			customizer.customize(builder);
			builder.requestInterceptors((interceptors) -> assertThat(interceptors)
				.containsExactly(context.getBean(DeadlinePropagatingInterceptor.class)));
		});
	}

	@Test
	void theLoadBalancerOfEachTargetIsItsConfiguredStrategy() {
		this.contextRunner
			.withPropertyValues("platform.client.services.greeter.load-balancer=peak-ewma",
					"platform.client.services.salutation.load-balancer=random")
			.run((context) -> {
				LoadBalancerClientFactory factory = context.getBean(LoadBalancerClientFactory.class);
				assertThat(factory.getInstance(GREETER)).isInstanceOf(PeakEwmaLoadBalancer.class);
				assertThat(factory.getInstance(GREETER, ReactorLoadBalancer.class))
					.isInstanceOf(PeakEwmaLoadBalancer.class);
				assertThat(factory.getInstance("salutation")).isInstanceOf(RandomLoadBalancer.class);
				assertThat(factory.getInstance("anything-else")).isInstanceOf(RoundRobinLoadBalancer.class);
			});
	}

	@Test
	void aDefaultStrategyAppliesToEveryTargetWithoutItsOwn() {
		this.contextRunner
			.withPropertyValues("platform.client.defaults.load-balancer=random",
					"platform.client.services.greeter.load-balancer=round-robin")
			.run((context) -> {
				LoadBalancerClientFactory factory = context.getBean(LoadBalancerClientFactory.class);
				assertThat(factory.getInstance(GREETER)).isInstanceOf(RoundRobinLoadBalancer.class);
				assertThat(factory.getInstance("salutation")).isInstanceOf(RandomLoadBalancer.class);
			});
	}

	@Test
	void peakEwmaChoosesTheInstanceWithTheLowerLatencyAsRecorded() {
		this.contextRunner.withPropertyValues(instances())
			.withPropertyValues("platform.client.services.greeter.load-balancer=peak-ewma")
			.run((context) -> {
				ServiceTarget target = context.getBean(ServiceTargets.class).get(GREETER);
				target.latency().onStart("failing");
				target.latency().onComplete("failing", Duration.ofMillis(500).toNanos());
				target.latency().onStart("healthy");
				target.latency().onComplete("healthy", Duration.ofMillis(5).toNanos());
				ReactiveLoadBalancer<ServiceInstance> loadBalancer = context.getBean(LoadBalancerClientFactory.class)
					.getInstance(GREETER);
				// Of two instances, power of two choices always compares both
				Set<String> chosen = IntStream.range(0, 20)
					.mapToObj((i) -> Mono.from(loadBalancer.choose()).block())
					.map((response) -> response.getServer().getInstanceId())
					.collect(Collectors.toSet());
				assertThat(chosen).containsExactly("healthy");
			});
	}

	@Test
	void ejectedInstancesAreLeftOutOfTheTargetsInstances() {
		this.contextRunner.withPropertyValues(instances()).run((context) -> {
			ServiceInstanceListSupplier supplier = context.getBean(LoadBalancerClientFactory.class)
				.getInstance(GREETER, ServiceInstanceListSupplier.class);
			assertThat(instanceIds(supplier)).containsExactly("healthy", "failing");
			ServiceTarget target = context.getBean(ServiceTargets.class).get(GREETER);
			for (int i = 0; i < 3; i++) {
				target.outliers().recordFailure("failing");
			}
			assertThat(instanceIds(supplier)).containsExactly("healthy");
		});
	}

	@Test
	void aGetAnsweredWithAServerErrorIsRetriedOnAnotherInstance() {
		loadBalancedCalls().run((context) -> {
			RestClient client = client(context);
			// Round robin over two instances puts the failing one first in one of any two calls
			List<Integer> statuses = calls(client, HttpMethod.GET, 2);
			assertThat(statuses).containsExactly(200, 200);
			assertThat(this.failing.hits()).isPositive();
			assertThat(this.healthy.hits()).isEqualTo(2);
			assertThat(context.getBean(ServiceTargets.class).get(GREETER).retryBudget().rejectedRetries()).isZero();
		});
	}

	@Test
	void aPostIsNotRetried() {
		loadBalancedCalls().run((context) -> {
			RestClient client = client(context);
			List<Integer> statuses = calls(client, HttpMethod.POST, 2);
			assertThat(statuses).contains(503);
			assertThat(this.failing.hits()).isEqualTo(count(statuses, 503));
			assertThat(this.healthy.hits()).isEqualTo(count(statuses, 200));
			// Nothing was asked of the budget
			assertThat(context.getBean(ServiceTargets.class).get(GREETER).retryBudget().rejectedRetries()).isZero();
		});
	}

	@Test
	void noRetryOnceTheTargetsRetryBudgetIsExhausted() {
		loadBalancedCalls()
			.withPropertyValues("platform.client.services.greeter.retry-budget.min-retries-per-second=0",
					"platform.client.services.greeter.retry-budget.ratio=0")
			.run((context) -> {
				RestClient client = client(context);
				List<Integer> statuses = calls(client, HttpMethod.GET, 2);
				assertThat(statuses).contains(503);
				// Not retried: each 503 the caller saw is the one answer the failing instance gave
				assertThat(this.failing.hits()).isEqualTo(count(statuses, 503));
				assertThat(this.healthy.hits()).isEqualTo(count(statuses, 200));
				assertThat(context.getBean(MeterRegistry.class)
					.get("platform.client.retry.budget.rejected")
					.tag("target", GREETER)
					.functionCounter()
					.count()).isPositive();
				assertThat(context.getBean(MeterRegistry.class)
					.get("platform.client.retry.budget.available")
					.tag("target", GREETER)
					.gauge()
					.value()).isZero();
			});
	}

	@Test
	void aRetryRefusedByTheBudgetIsCountedOnce() {
		loadBalancedCalls()
			.withPropertyValues("platform.client.services.greeter.retry-budget.min-retries-per-second=0",
					"platform.client.services.greeter.retry-budget.ratio=0")
			.run((context) -> {
				RestClient client = client(context);
				List<Integer> statuses = calls(client, HttpMethod.GET, 2);
				assertThat(context.getBean(MeterRegistry.class)
					.get("platform.client.retry.budget.rejected")
					.tag("target", GREETER)
					.functionCounter()
					.count()).isEqualTo(count(statuses, 503));
			});
	}

	@Test
	void anInstanceFailingThreeTimesInARowIsEjected() {
		loadBalancedCalls()
			.withPropertyValues("platform.client.defaults.outlier.base-ejection-time=1m",
					"platform.client.defaults.outlier.max-ejection-time=2m")
			.run((context) -> {
				RestClient client = client(context);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				List<Integer> statuses = new ArrayList<>();
				// Round robin puts the failing instance first on every other call (a retry, with a
				// single instance left to choose from, does not move it on)
				for (int i = 0; i < 10 && this.failing.hits() < 3; i++) {
					statuses.addAll(calls(client, HttpMethod.GET, 1));
				}
				assertThat(this.failing.hits()).isEqualTo(3);
				assertThat(statuses).containsOnly(200);
				assertThat(registry.get("platform.client.outlier.ejected").tag("target", GREETER).gauge().value())
					.isOne();
				assertThat(registry.get("platform.client.outlier.ejections")
					.tag("target", GREETER)
					.functionCounter()
					.count()).isOne();
				int healthyHits = this.healthy.hits();
				assertThat(calls(client, HttpMethod.GET, 6)).containsOnly(200);
				assertThat(this.failing.hits()).isEqualTo(3);
				assertThat(this.healthy.hits()).isEqualTo(healthyHits + 6);
			});
	}

	@Test
	void callsMadeWhileServingARequestPassItsDeadlineOnToEveryAttempt() {
		loadBalancedCalls().run((context) -> {
			RestClient client = client(context);
			List<Integer> statuses = new ArrayList<>();
			serveWithDeadline(5000, () -> statuses.addAll(calls(client, HttpMethod.GET, 2)));
			assertThat(statuses).containsExactly(200, 200);
			List<String> deadlines = new ArrayList<>(this.healthy.deadlines());
			deadlines.addAll(this.failing.deadlines());
			assertThat(deadlines).hasSize(this.healthy.hits() + this.failing.hits())
				.allSatisfy((deadline) -> assertThat(Long.parseLong(deadline)).isPositive().isLessThanOrEqualTo(5000));
			// Outside a request being served, no deadline
			calls(client, HttpMethod.GET, 1);
			assertThat(this.healthy.deadlines()).last().isEqualTo("none");
		});
	}

	@Test
	void aRetryCarriesTheTimeLeftWhenItIsMade() {
		loadBalancedCalls()
			.withPropertyValues("platform.client.defaults.backoff.initial=300ms",
					"platform.client.defaults.backoff.max=300ms")
			.run((context) -> {
				RestClient client = client(context);
				serveWithDeadline(60_000, () -> {
					for (int i = 0; i < 2 && this.failing.hits() == 0; i++) {
						calls(client, HttpMethod.GET, 1);
					}
				});
				assertThat(this.failing.deadlines()).hasSize(1);
				long firstAttempt = Long.parseLong(this.failing.deadlines().get(0));
				long retry = Long.parseLong(this.healthy.deadlines().get(this.healthy.deadlines().size() - 1));
				// The retry waited at least the 300ms of backoff after the first attempt
				assertThat(retry).isLessThanOrEqualTo(firstAttempt - 300);
			});
	}

	@Test
	void callsByPlainUrlPassTheDeadlineOnToo() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class))
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				serveWithDeadline(5000,
						() -> assertThat(client.get().uri(this.healthy.uri() + "/hello").retrieve().body(String.class))
							.isEqualTo("hello from the healthy instance"));
				assertThat(this.healthy.deadlines()).singleElement()
					.satisfies((deadline) -> assertThat(Long.parseLong(deadline)).isPositive()
						.isLessThanOrEqualTo(5000));
			});
	}

	@Test
	void withTheHttpClientServicesGetAPostAnsweredWithAServerErrorIsSentOnce() {
		loadBalancedCalls().withPropertyValues("spring.http.clients.imperative.factory=http-components")
			.run((context) -> {
				List<Integer> statuses = calls(client(context), HttpMethod.POST, 2);
				assertThat(statuses).contains(503);
				assertThat(this.failing.hits()).isEqualTo(count(statuses, 503));
			});
	}

	@Test
	void instancesWithoutAnInstanceIdAreCalledToo() {
		loadBalancedCalls()
			.withPropertyValues("spring.cloud.discovery.client.simple.instances.plain[0].uri=" + this.healthy.uri())
			.run((context) -> {
				RestClient client = client(context);
				assertThat(client.get().uri("http://plain/hello").retrieve().body(String.class))
					.isEqualTo("hello from the healthy instance");
			});
	}

	@Test
	void backsOffWhenTheServiceDefinesItsOwnServiceTargets() {
		this.contextRunner.withUserConfiguration(OwnServiceTargets.class).run((context) -> {
			assertThat(context).hasSingleBean(ServiceTargets.class);
			assertThat(context.getBean(ServiceTargets.class)).isSameAs(context.getBean("ownServiceTargets"));
			assertThat(context).hasSingleBean(CallOutcomeRecorder.class);
			assertThat(context.getBean(LoadBalancedRetryFactory.class)).isInstanceOf(BudgetedRetryFactory.class);
		});
	}

	@Test
	void backsOffWhenTheServiceDefinesItsOwnRetryFactory() {
		this.contextRunner.withUserConfiguration(OwnRetryFactory.class).run((context) -> {
			assertThat(context).hasSingleBean(LoadBalancedRetryFactory.class)
				.doesNotHaveBean(BudgetedRetryFactory.class);
			assertThat(context.getBean(LoadBalancedRetryFactory.class)).isSameAs(OwnRetryFactory.FACTORY);
			assertThat(context).hasSingleBean(ServiceTargets.class);
		});
	}

	@Test
	void backsOffWhenTheServiceDefinesItsOwnDeadlinePropagation() {
		this.contextRunner.withUserConfiguration(OwnDeadlinePropagation.class).run((context) -> {
			assertThat(context).hasSingleBean(DeadlinePropagatingInterceptor.class);
			assertThat(context.getBean(DeadlinePropagatingInterceptor.class))
				.isSameAs(OwnDeadlinePropagation.INTERCEPTOR);
			assertThat(context.getBean("deadlinePropagatingRestClientCustomizer"))
				.isSameAs(OwnDeadlinePropagation.CUSTOMIZER);
		});
	}

	@Test
	void aTargetsOwnLoadBalancerClientConfigurationWins() {
		this.contextRunner.withUserConfiguration(OwnGreeterLoadBalancer.class).run((context) -> {
			assertThat(context.getBean(LoadBalancerClientFactory.class).getInstance(GREETER))
				.isInstanceOf(RandomLoadBalancer.class);
		});
	}

	@Test
	void disabledByProperty() {
		this.contextRunner
			.withPropertyValues("platform.client.enabled=false",
					"platform.client.services.greeter.load-balancer=random")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ServiceTargets.class)
					.doesNotHaveBean(CallOutcomeRecorder.class)
					.doesNotHaveBean(PlatformClientProperties.class)
					.doesNotHaveBean(DeadlinePropagatingInterceptor.class)
					.doesNotHaveBean("deadlinePropagatingRestClientCustomizer");
				assertSpringCloudsOwnLoadBalancing(context);
			});
	}

	@Test
	void absentWithoutSpringRetry() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RetryTemplate.class))
			.withPropertyValues("platform.client.services.greeter.load-balancer=random")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ServiceTargets.class)
					.doesNotHaveBean(CallOutcomeRecorder.class)
					.doesNotHaveBean(BudgetedRetryFactory.class)
					.doesNotHaveBean(DeadlinePropagatingInterceptor.class);
				assertThat(context.getBean(LoadBalancerClientFactory.class).getInstance(GREETER))
					.isInstanceOf(RoundRobinLoadBalancer.class);
			});
	}

	@Test
	void noDeadlinePropagationWithoutSpringBootsRestClientSupport() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RestClientCustomizer.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(DeadlinePropagatingInterceptor.class)
				.doesNotHaveBean("deadlinePropagatingRestClientCustomizer");
			assertThat(context).hasSingleBean(ServiceTargets.class);
		});
	}

	private static void assertSpringCloudsOwnLoadBalancing(AssertableApplicationContext context) {
		assertThat(context.getBean(LoadBalancedRetryFactory.class))
			.isExactlyInstanceOf(BlockingLoadBalancedRetryFactory.class);
		assertThat(context.getBean(LoadBalancerClientFactory.class).getInstance(GREETER))
			.isInstanceOf(RoundRobinLoadBalancer.class);
	}

	/**
	 * The runner with a load-balanced RestClient calling two instances of "greeter", one of them
	 * always answering 503, retrying GETs on the other instance as the platform's defaults do.
	 * The HTTP client is the JDK's, which makes exactly one request per attempt (Apache HttpClient,
	 * what Spring Boot picks when it is on the class path, re-sends 503s on its own).
	 */
	private ApplicationContextRunner loadBalancedCalls() {
		return this.contextRunner
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, PlatformLoadBalancerAutoConfiguration.class,
					RestClientAutoConfiguration.class))
			.withUserConfiguration(LoadBalancedClientUser.class, MeterRegistryConfiguration.class)
			.withPropertyValues(instances())
			.withPropertyValues("spring.http.clients.imperative.factory=jdk")
			.withPropertyValues("spring.cloud.loadbalancer.retry.retryable-status-codes=503",
					"spring.cloud.loadbalancer.retry.max-retries-on-same-service-instance=0",
					"spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance=1",
					"platform.client.defaults.backoff.initial=1ms", "platform.client.defaults.backoff.max=1ms");
	}

	private static RestClient client(AssertableApplicationContext context) {
		return context.getBean(LoadBalancedClientUser.class).builder.build();
	}

	private String[] instances() {
		return new String[] { "spring.cloud.discovery.client.simple.instances.greeter[0].uri=" + this.healthy.uri(),
				"spring.cloud.discovery.client.simple.instances.greeter[0].instance-id=healthy",
				"spring.cloud.discovery.client.simple.instances.greeter[1].uri=" + this.failing.uri(),
				"spring.cloud.discovery.client.simple.instances.greeter[1].instance-id=failing" };
	}

	private static List<String> instanceIds(ServiceInstanceListSupplier supplier) {
		return supplier.get().blockFirst().stream().map(ServiceInstance::getInstanceId).toList();
	}

	private static List<Integer> calls(RestClient client, HttpMethod method, int calls) {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			statuses.add(client.method(method)
				.uri("http://greeter/hello")
				.exchange((request, response) -> response.getStatusCode().value()));
		}
		return statuses;
	}

	private static int count(List<Integer> statuses, int status) {
		return (int) statuses.stream().filter((candidate) -> candidate == status).count();
	}

	private static void serveWithDeadline(long millis, Runnable work) throws IOException, ServletException {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/greetings");
		request.addHeader(RequestDeadline.HEADER, Long.toString(millis));
		new DeadlineFilter(ProblemSerializer.minimal()).doFilter(request, new MockHttpServletResponse(),
				(req, res) -> work.run());
	}

	/**
	 * One instance of the target service: answers every request with the same status, counting
	 * the requests and the deadlines they carried.
	 */
	static final class Instance {

		private final HttpServer server;

		private final AtomicInteger hits = new AtomicInteger();

		private final List<String> deadlines = new CopyOnWriteArrayList<>();

		Instance(int status, String body) throws IOException {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			this.server.createContext("/hello", (exchange) -> {
				this.hits.incrementAndGet();
				String deadline = exchange.getRequestHeaders().getFirst(RequestDeadline.HEADER);
				this.deadlines.add((deadline != null) ? deadline : "none");
				byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(status, bytes.length);
				exchange.getResponseBody().write(bytes);
				exchange.close();
			});
			this.server.start();
		}

		String uri() {
			return "http://127.0.0.1:" + this.server.getAddress().getPort();
		}

		int hits() {
			return this.hits.get();
		}

		List<String> deadlines() {
			return this.deadlines;
		}

		void stop() {
			this.server.stop(0);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LoadBalancedClientUser {

		final RestClient.Builder builder;

		LoadBalancedClientUser(@LoadBalanced RestClient.Builder builder) {
			this.builder = builder;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnServiceTargets {

		@Bean
		ServiceTargets ownServiceTargets(Environment environment) {
			return new ServiceTargets(environment, System::nanoTime, (target) -> {
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnLoadBalancerClientFactory {

		@Bean
		LoadBalancerClientFactory ownLoadBalancerClientFactory(LoadBalancerClientsProperties properties) {
			return new LoadBalancerClientFactory(properties);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRetryFactory {

		static final LoadBalancedRetryFactory FACTORY = new LoadBalancedRetryFactory() {
		};

		@Bean
		LoadBalancedRetryFactory ownRetryFactory() {
			return FACTORY;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDeadlinePropagation {

		static final DeadlinePropagatingInterceptor INTERCEPTOR = new DeadlinePropagatingInterceptor();

		static final RestClientCustomizer CUSTOMIZER = (builder) -> {
		};

		@Bean
		DeadlinePropagatingInterceptor ownDeadlinePropagatingInterceptor() {
			return INTERCEPTOR;
		}

		@Bean
		RestClientCustomizer deadlinePropagatingRestClientCustomizer() {
			return CUSTOMIZER;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@LoadBalancerClients(@LoadBalancerClient(name = GREETER, configuration = RandomGreeterLoadBalancer.class))
	static class OwnGreeterLoadBalancer {

	}

	static class RandomGreeterLoadBalancer {

		@Bean
		ReactorLoadBalancer<ServiceInstance> randomGreeterLoadBalancer(Environment environment,
				LoadBalancerClientFactory factory) {
			String name = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
			return new RandomLoadBalancer(factory.getLazyProvider(name, ServiceInstanceListSupplier.class), name);
		}

	}

}
