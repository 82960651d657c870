package dev.microplatform.starter.discovery;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.core.env.Environment;

/**
 * Publishes the instance's version and zone as Consul service metadata, so that load balancers,
 * Prometheus relabelling and people reading the catalog can tell instances apart; and where its
 * metrics are: {@value #METRICS_PATH_KEY}, plus {@value #MANAGEMENT_PORT_KEY} when the actuator has
 * a port of its own. Prometheus scrapes the instances that publish them, there.
 */
public class PlatformRegistrationMetadataCustomizer implements ConsulRegistrationCustomizer {

	static final String VERSION_KEY = "version";

	static final String ZONE_KEY = "zone";

	static final String METRICS_PATH_KEY = "metrics_path";

	static final String MANAGEMENT_PORT_KEY = "management_port";

	private final PlatformDiscoveryProperties properties;

	private final Actuator actuator;

	public PlatformRegistrationMetadataCustomizer(PlatformDiscoveryProperties properties, Actuator actuator) {
		this.properties = properties;
		this.actuator = actuator;
	}

	@Override
	public void customize(ConsulRegistration registration) {
		Map<String, String> meta = new HashMap<>();
		if (registration.getService().getMeta() != null) {
			meta.putAll(registration.getService().getMeta());
		}
		meta.putIfAbsent(VERSION_KEY, this.properties.getVersion());
		meta.putIfAbsent(ZONE_KEY, this.properties.getZone());
		meta.putIfAbsent(METRICS_PATH_KEY, this.actuator.metricsPath());
		if (this.actuator.port() != null) {
			meta.putIfAbsent(MANAGEMENT_PORT_KEY, this.actuator.port().toString());
		}
		registration.getService().setMeta(meta);
	}

	/**
	 * Where a service's actuator answers.
	 * @param port {@code management.server.port}, if the actuator has a port of its own
	 * @param metricsPath the path of its Prometheus endpoint
	 */
	public record Actuator(@Nullable Integer port, String metricsPath) {

		/**
		 * The actuator as Spring Boot's {@code management.*} properties place it.
		 * @param environment the service's environment
		 * @return where its actuator is
		 */
		public static Actuator of(Environment environment) {
			Integer port = environment.getProperty("management.server.port", Integer.class);
			boolean ownPort = port != null && port > 0;
			String serverBasePath = ownPort ? environment.getProperty("management.server.base-path", "") : "";
			String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
			String endpoint = environment.getProperty("management.endpoints.web.path-mapping.prometheus", "prometheus");
			return new Actuator(ownPort ? port : null, serverBasePath + basePath + "/" + endpoint);
		}

	}

}
