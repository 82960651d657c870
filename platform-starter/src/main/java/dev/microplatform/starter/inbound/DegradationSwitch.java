package dev.microplatform.starter.inbound;

import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Tells a service which of its endpoints should serve their fallback instead of doing the
 * real work, so that an operator can shed expensive work without a restart.
 * <p>
 * The answer comes from {@code platform.inbound.degraded}, read on every call, so a
 * configuration refresh switches an endpoint at once: an endpoint asks
 * {@code if (degradation.isDegraded("greetings")) return fallback();}.
 */
public class DegradationSwitch {

	private final Supplier<PlatformInboundProperties> properties;

	/**
	 * Create a new switch.
	 * @param properties the settings whose {@code degraded} set is read on every call (the
	 * auto-configuration passes a {@link dev.microplatform.starter.refresh.LiveProperties})
	 */
	public DegradationSwitch(Supplier<PlatformInboundProperties> properties) {
		this.properties = Objects.requireNonNull(properties, "properties must not be null");
	}

	/**
	 * Return whether the given endpoint is degraded.
	 * @param endpoint the endpoint name, as used in {@code platform.inbound.degraded}
	 * @return {@code true} if the endpoint should serve its fallback
	 */
	public boolean isDegraded(String endpoint) {
		return this.properties.get().getDegraded().contains(endpoint);
	}

	/**
	 * Return the names of the endpoints degraded now.
	 * @return an unmodifiable set
	 */
	public Set<String> degradedEndpoints() {
		return this.properties.get().getDegraded();
	}

}
