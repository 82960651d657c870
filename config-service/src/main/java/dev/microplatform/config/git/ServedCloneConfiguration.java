package dev.microplatform.config.git;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.config.server.environment.JGitEnvironmentRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * config-service's own clone of the git repository it serves: fetched once per push
 * ({@link FetchOnPush}), with merged packs deleted at once ({@link PruningCloneGitFactory}), its
 * files read once per commit ({@link EnvironmentPerCommitCache}).
 */
@Configuration(proxyBeanMethods = false)
class ServedCloneConfiguration {

	@Bean
	FetchOnPush fetchOnPush(ObjectProvider<JGitEnvironmentRepository> repositories) {
		return new FetchOnPush(repositories.orderedStream().toList());
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
