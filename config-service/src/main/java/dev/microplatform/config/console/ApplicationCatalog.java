package dev.microplatform.config.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import dev.microplatform.config.console.ConsoleViews.Application;
import dev.microplatform.config.console.ConsoleViews.Instance;

/**
 * Which applications and profiles exist, as Config Server would resolve them: from the file names
 * in the repository ({@code application.yml} for all, {@code {app}.yml}, {@code {app}-{profile}.yml})
 * and from Consul, where an application without a file of its own still runs and still gets
 * {@code application.yml}. Consul's names settle whether {@code a-b.yml} is application {@code a}
 * with profile {@code b} or application {@code a-b}.
 */
final class ApplicationCatalog {

	private static final String SHARED = "application";

	private final ServedRepository repository;

	private final ObjectProvider<DiscoveryClient> discovery;

	ApplicationCatalog(ServedRepository repository, ObjectProvider<DiscoveryClient> discovery) {
		this.repository = repository;
		this.discovery = discovery;
	}

	List<Application> applications() {
		Set<String> registered = registeredApplications();
		List<String> stems = this.repository.files()
			.stream()
			.filter((file) -> file.endsWith(".yml"))
			.map((file) -> file.substring(0, file.length() - ".yml".length()))
			.toList();
		Set<String> known = new LinkedHashSet<>(registered);
		Map<String, Set<String>> profiles = new TreeMap<>();
		Map<String, List<String>> files = new TreeMap<>();
		List<String> sharedProfiles = new ArrayList<>();
		for (String stem : stems.stream().sorted(Comparator.comparingInt(String::length)).toList()) {
			if (stem.equals(SHARED)) {
				continue;
			}
			if (stem.startsWith(SHARED + "-")) {
				sharedProfiles.add(stem.substring(SHARED.length() + 1));
				continue;
			}
			String application = known.stream()
				.filter((name) -> stem.startsWith(name + "-"))
				.max(Comparator.comparingInt(String::length))
				.orElse(stem);
			known.add(application);
			profiles.computeIfAbsent(application, (name) -> new LinkedHashSet<>(List.of("default")));
			files.computeIfAbsent(application, (name) -> new ArrayList<>()).add(0, stem + ".yml");
			if (!application.equals(stem)) {
				profiles.get(application).add(stem.substring(application.length() + 1));
			}
		}
		registered.forEach((name) -> profiles.computeIfAbsent(name, (n) -> new LinkedHashSet<>(List.of("default"))));
		List<Application> applications = new ArrayList<>();
		profiles.forEach((name, own) -> {
			Set<String> all = new LinkedHashSet<>(own);
			all.addAll(sharedProfiles);
			List<String> configuring = new ArrayList<>(files.getOrDefault(name, List.of()));
			stems.stream().filter((stem) -> stem.startsWith(SHARED)).forEach((stem) -> configuring.add(stem + ".yml"));
			applications.add(new Application(name, List.copyOf(all), configuring, instances(name)));
		});
		return applications;
	}

	/** The passing instances Consul lists for an application ({@code *}: every application). */
	List<Instance> instances(String application) {
		DiscoveryClient client = this.discovery.getIfAvailable();
		if (client == null) {
			return List.of();
		}
		List<String> names = "*".equals(application) ? List.copyOf(registeredApplications()) : List.of(application);
		List<Instance> instances = new ArrayList<>();
		for (String name : names) {
			for (ServiceInstance instance : client.getInstances(name)) {
				instances.add(new Instance(name, instance.getInstanceId(), instance.getHost(), instance.getPort()));
			}
		}
		instances.sort(Comparator.comparing(Instance::application).thenComparing(Instance::port));
		return instances;
	}

	/** Applications in Consul, but Consul itself and the extra registrations of management ports. */
	private Set<String> registeredApplications() {
		DiscoveryClient client = this.discovery.getIfAvailable();
		Set<String> names = new java.util.TreeSet<>();
		if (client != null) {
			client.getServices()
				.stream()
				.filter((name) -> !name.equals("consul") && !name.endsWith("-management"))
				.forEach(names::add);
		}
		return names;
	}

}
