package dev.microplatform.config.git;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cloud.config.server.config.ConfigServerProperties;
import org.springframework.cloud.config.server.environment.JGitEnvironmentRepository;
import org.springframework.cloud.config.server.environment.SearchPathLocator;
import org.springframework.cloud.config.server.resource.GenericResourceRepository;
import org.springframework.cloud.config.server.resource.ResourceRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.io.ResourceLoader;

/**
 * config-service's own clone of the git repository it serves: fetched once per push
 * ({@link FetchOnPush}), with merged packs deleted at once ({@link PruningCloneGitFactory}), its
 * files read once per commit ({@link EnvironmentPerCommitCache}); nothing in its {@code .git} folder
 * served to anyone ({@link GitFolderRequestFilter}, {@link GitFolderRefusingResourceRepository}).
 */
@Configuration(proxyBeanMethods = false)
class ServedCloneConfiguration {

	@Bean
	FetchOnPush fetchOnPush(ObjectProvider<JGitEnvironmentRepository> repositories) {
		return new FetchOnPush(repositories.orderedStream().toList());
	}

	/**
	 * Config Server's plain-file lookup (it backs off when one is defined) behind the
	 * {@code .git} guard.
	 */
	@Bean
	ResourceRepository resourceRepository(SearchPathLocator locations, ConfigServerProperties server,
			ResourceLoader resources) {
		GenericResourceRepository files = new GenericResourceRepository(locations, server);
		files.setResourceLoader(resources);
		return new GitFolderRefusingResourceRepository(files, locations, resources);
	}

	/** Early, before authentication: a {@code .git} path is refused whoever asks. */
	@Bean
	FilterRegistrationBean<GitFolderRequestFilter> gitFolderRequestFilter() {
		FilterRegistrationBean<GitFolderRequestFilter> registration = new FilterRegistrationBean<>(
				new GitFolderRequestFilter());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

	@Bean
	static BeanPostProcessor servedCloneGitRepository() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessBeforeInitialization(Object bean, String name) {
				if (bean instanceof JGitEnvironmentRepository repository) {
					repository.setGitFactory(new PruningCloneGitFactory(repository.getGitFactory()));
				}
				return bean;
			}

			@Override
			public Object postProcessAfterInitialization(Object bean, String name) {
				return (bean instanceof JGitEnvironmentRepository repository)
						? EnvironmentPerCommitCache.inFrontOf(repository) : bean;
			}

		};
	}

}
