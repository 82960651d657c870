package dev.microplatform.starter.loadbalancer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformLoadBalancerAutoConfigurationTests {

	private HttpServer server;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PlatformLoadBalancerAutoConfiguration.class,
				RestClientAutoConfiguration.class, WebClientAutoConfiguration.class));

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/hello", (exchange) -> {
			byte[] body = "hello from the instance".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
	}

	@Test
	void loadBalancedRestClientCallsAServiceByName() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
					SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
					org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class,
					org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration.class,
					BlockingLoadBalancerClientAutoConfiguration.class))
			.withPropertyValues("spring.cloud.loadbalancer.cache.enabled=false",
					"spring.cloud.discovery.client.simple.instances.greeter[0].uri=http://127.0.0.1:"
							+ this.server.getAddress().getPort())
			.withUserConfiguration(LoadBalancedClientUser.class)
			.run((context) -> {
				RestClient client = context.getBean(LoadBalancedClientUser.class).builder.build();
				assertThat(client.get().uri("http://greeter/hello").retrieve().body(String.class))
					.isEqualTo("hello from the instance");
			});
	}

	@Test
	void plainBuildersStaySpringBootsOwn() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBeanNamesForType(RestClient.Builder.class)).contains("restClientBuilder",
					PlatformLoadBalancerAutoConfiguration.REST_CLIENT_BUILDER);
			assertThat(context.getBean(RestClient.Builder.class))
				.isNotSameAs(context.getBean(PlatformLoadBalancerAutoConfiguration.REST_CLIENT_BUILDER));
			assertThat(context.findAnnotationOnBean(PlatformLoadBalancerAutoConfiguration.REST_CLIENT_BUILDER,
					LoadBalanced.class)).isNotNull();
			assertThat(context.findAnnotationOnBean(PlatformLoadBalancerAutoConfiguration.WEB_CLIENT_BUILDER,
					LoadBalanced.class)).isNotNull();
		});
	}

	@Test
	void backsOffWhenTheServiceDefinesItsOwnBuilder() {
		this.contextRunner.withUserConfiguration(OwnBuilder.class).run((context) -> {
			assertThat(context.getBean(PlatformLoadBalancerAutoConfiguration.REST_CLIENT_BUILDER))
				.isSameAs(OwnBuilder.BUILDER);
		});
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("platform.loadbalancer.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(PlatformLoadBalancerAutoConfiguration.REST_CLIENT_BUILDER);
			assertThat(context).doesNotHaveBean(PlatformLoadBalancerAutoConfiguration.WEB_CLIENT_BUILDER);
		});
	}

	@Test
	void noWebClientBuilderWithoutWebFlux() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(WebClient.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(PlatformLoadBalancerAutoConfiguration.WEB_CLIENT_BUILDER);
			assertThat(context).hasBean(PlatformLoadBalancerAutoConfiguration.REST_CLIENT_BUILDER);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class LoadBalancedClientUser {

		final RestClient.Builder builder;

		LoadBalancedClientUser(@LoadBalanced RestClient.Builder builder) {
			this.builder = builder;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBuilder {

		static final RestClient.Builder BUILDER = RestClient.builder();

		@Bean(PlatformLoadBalancerAutoConfiguration.REST_CLIENT_BUILDER)
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return BUILDER;
		}

	}

}
