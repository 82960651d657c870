package dev.microplatform.config.git;

import java.util.LinkedHashMap;
import java.util.Map;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.cloud.config.environment.Environment;
import org.springframework.cloud.config.environment.PropertySource;
import org.springframework.cloud.config.server.environment.JGitEnvironmentRepository;
import org.springframework.cloud.config.server.environment.MultipleJGitEnvironmentRepository;

/**
 * Builds a git repository's environment for an application, profile and label once per commit:
 * the first request at a commit reads the files, the next ones are answered from what it built.
 * <p>
 * Config Server reads the files on every request, through a {@code SpringApplication} of its own
 * (about 20 ms of CPU on this platform), one request at a time. A change pushed to six instances
 * is six requests for the same commit. The commit is asked of the repository itself
 * ({@code getLocations}, which fetches whenever Config Server would), so this serves whatever the
 * repository would: the files of a commit do not change.
 */
final class EnvironmentPerCommitCache implements MethodInterceptor {

	static final int MAX_ENTRIES = 256;

	private final JGitEnvironmentRepository repository;

	private final Map<Key, Environment> built = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Key, Environment> eldest) {
			return size() > MAX_ENTRIES;
		}

	};

	private EnvironmentPerCommitCache(JGitEnvironmentRepository repository) {
		this.repository = repository;
	}

	/**
	 * The repository with this cache in front of its {@code findOne}; the repository itself where
	 * it has pattern-matched {@code repos}, for which asking the commit already reads the files.
	 */
	static JGitEnvironmentRepository inFrontOf(JGitEnvironmentRepository repository) {
		if (repository instanceof MultipleJGitEnvironmentRepository multiple && !multiple.getRepos().isEmpty()) {
			return repository;
		}
		ProxyFactory proxy = new ProxyFactory(repository);
		proxy.setProxyTargetClass(true);
		proxy.addAdvice(new EnvironmentPerCommitCache(repository));
		return (JGitEnvironmentRepository) proxy.getProxy(repository.getClass().getClassLoader());
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object[] arguments = invocation.getArguments();
		if (!invocation.getMethod().getName().equals("findOne") || arguments.length < 3) {
			return invocation.proceed();
		}
		String application = (String) arguments[0];
		String profile = (String) arguments[1];
		String label = (String) arguments[2];
		boolean includeOrigin = arguments.length > 3 && (boolean) arguments[3];
		String commit = commitServedFor(application, profile, label);
		if (commit == null) {
			return invocation.proceed();
		}
		Environment environment;
		synchronized (this.built) {
			environment = this.built.get(new Key(application, profile, label, includeOrigin, commit));
		}
		if (environment == null) {
			environment = (Environment) invocation.proceed();
			if (environment.getVersion() != null) {
				synchronized (this.built) {
					this.built.put(new Key(application, profile, label, includeOrigin, environment.getVersion()),
							environment);
				}
			}
		}
		return copyOf(environment);
	}

	private String commitServedFor(String application, String profile, String label) {
		try {
			return this.repository.getLocations(application, profile, label).getVersion();
		}
		catch (RuntimeException ex) {
			// an unknown label, say: Config Server's own lookup answers it as it always has
			return null;
		}
	}

	/** What a caller gets is theirs to change (Config Server adds its overrides to it, for one). */
	private static Environment copyOf(Environment environment) {
		Environment copy = new Environment(environment);
		for (PropertySource source : environment.getPropertySources()) {
			copy.add(new PropertySource(source.getName(), new LinkedHashMap<>(source.getSource()),
					source.getOriginalPropertySource()));
		}
		return copy;
	}

	private record Key(String application, String profile, String label, boolean includeOrigin, String commit) {
	}

}
