package dev.microplatform.starter.discovery;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the platform adds to each service's Consul registration.
 */
@ConfigurationProperties(PlatformDiscoveryProperties.PREFIX)
public class PlatformDiscoveryProperties {

	public static final String PREFIX = "platform.discovery";

	/**
	 * Whether to add the platform's metadata (version, zone) to the Consul registration.
	 */
	private boolean enabled = true;

	/**
	 * Version of the service, published as the "version" metadata entry. Defaults to the
	 * application's version from its jar manifest.
	 */
	private String version = "unknown";

	/**
	 * Zone the instance runs in, published as the "zone" metadata entry that zone-preferring load
	 * balancers read.
	 */
	private String zone = "default";

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getVersion() {
		return this.version;
	}

	public void setVersion(String version) {
		this.version = version;
	}

	public String getZone() {
		return this.zone;
	}

	public void setZone(String zone) {
		this.zone = zone;
	}

}
