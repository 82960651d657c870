package dev.microplatform.config.console;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.bus.BusProperties;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.config.server.environment.EnvironmentRepository;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The console's parts. It edits the repository Config Server serves when that is a local git
 * working tree ({@code spring.cloud.config.server.git.uri} a path or {@code file:} URI, as the
 * launcher's {@code .platform/config-repo}); otherwise (a remote repository, the {@code native}
 * profile) it still shows applications and their configuration, and its writes answer 503.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

	@Bean
	ServedRepository consoleServedRepository(
			@Value("${spring.cloud.config.server.git.uri:./config-repo}") String uri) {
		return new ServedRepository(localPath(uri));
	}

	@Bean
	ApplicationCatalog consoleApplicationCatalog(ServedRepository repository,
			ObjectProvider<DiscoveryClient> discovery) {
		return new ApplicationCatalog(repository, discovery);
	}

	@Bean
	EffectiveConfigurationReader consoleEffectiveConfigurationReader(EnvironmentRepository environments) {
		return new EffectiveConfigurationReader(environments);
	}

	@Bean
	InstanceRefresher consoleInstanceRefresher(ApplicationEventPublisher publisher, ApplicationCatalog catalog,
			BusProperties bus, @Value("${spring.application.name}") String application) {
		return new InstanceRefresher(publisher, catalog, bus.getId(), application, Clock.systemUTC());
	}

	@Bean
	ConfigurationEditor consoleConfigurationEditor(ServedRepository repository, InstanceRefresher refresher) {
		return new ConfigurationEditor(repository, new YamlPropertyEditor(), refresher);
	}

	static Path localPath(String uri) {
		if (uri.startsWith("file:")) {
			return Path.of(URI.create(uri));
		}
		return Path.of(uri);
	}

}
