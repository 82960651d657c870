package dev.microplatform.starter.discovery;

import java.util.HashMap;
import java.util.Map;

import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;

/**
 * Publishes the instance's version and zone as Consul service metadata, so that load balancers,
 * Prometheus relabelling and people reading the catalog can tell instances apart.
 */
public class PlatformRegistrationMetadataCustomizer implements ConsulRegistrationCustomizer {

	static final String VERSION_KEY = "version";

	static final String ZONE_KEY = "zone";

	private final PlatformDiscoveryProperties properties;

	public PlatformRegistrationMetadataCustomizer(PlatformDiscoveryProperties properties) {
		this.properties = properties;
	}

	@Override
	public void customize(ConsulRegistration registration) {
		Map<String, String> meta = new HashMap<>();
		if (registration.getService().getMeta() != null) {
			meta.putAll(registration.getService().getMeta());
		}
		meta.putIfAbsent(VERSION_KEY, this.properties.getVersion());
		meta.putIfAbsent(ZONE_KEY, this.properties.getZone());
		registration.getService().setMeta(meta);
	}

}
