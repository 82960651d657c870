package dev.microplatform.config.git;

import java.util.List;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.cloud.bus.event.RefreshRemoteApplicationEvent;
import org.springframework.cloud.config.server.environment.JGitEnvironmentRepository;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * A push makes config-service fetch from git on the next request, however recently it fetched.
 * <p>
 * Config Server fetches at most once per {@code refresh-rate}. A push (the served repository's
 * webhook on {@code /monitor}, or a commit from the console) publishes a refresh for the
 * instances concerned; before it goes out on the bus, this clears the wait. So every instance is
 * served the pushed commit, and config-service fetches once per push instead of once per
 * instance and per health check. It waits for a fetch in progress to end first: otherwise that
 * fetch, begun before the push, would start the wait again.
 */
class FetchOnPush implements ApplicationListener<RefreshRemoteApplicationEvent>, Ordered {

	private final List<JGitEnvironmentRepository> repositories;

	FetchOnPush(List<JGitEnvironmentRepository> repositories) {
		this.repositories = repositories;
	}

	@Override
	public void onApplicationEvent(RefreshRemoteApplicationEvent event) {
		for (JGitEnvironmentRepository repository : this.repositories) {
			// Config Server fetches inside methods synchronized on the repository (the repository
			// itself, not the proxy the environment cache puts in front of it)
			Object target = AopProxyUtils.getSingletonTarget(repository);
			synchronized ((target != null) ? target : repository) {
				repository.setLastRefresh(0);
			}
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
