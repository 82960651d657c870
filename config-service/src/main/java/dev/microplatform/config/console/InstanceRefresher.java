package dev.microplatform.config.console;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.bus.event.AckRemoteApplicationEvent;
import org.springframework.cloud.bus.event.RefreshRemoteApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.util.StringUtils;

import dev.microplatform.config.console.ConsoleViews.Instance;
import dev.microplatform.config.console.ConsoleViews.InstanceAck;
import dev.microplatform.config.console.ConsoleViews.Refresh;

/**
 * Pushes a refresh to running instances over Spring Cloud Bus, as config-monitor's
 * {@code PropertyPathEndpoint} does for a webhook (a {@link RefreshRemoteApplicationEvent} per
 * application, with this service's bus id as origin), and collects the
 * {@link AckRemoteApplicationEvent}s every instance sends back for it. An acknowledgement names the
 * instance by its bus id, which the starter makes {@code application:profiles:instance-id} (its id
 * in Consul last), and is matched to the instances Consul listed when the refresh was sent. Bus
 * acknowledgements reach this service's context only with {@code spring.cloud.bus.trace.enabled=true}.
 */
class InstanceRefresher implements ApplicationListener<AckRemoteApplicationEvent> {

	private static final Log log = LogFactory.getLog(InstanceRefresher.class);

	/** How many refreshes the console remembers. */
	private static final int REMEMBERED = 50;

	private final ApplicationEventPublisher publisher;

	private final ApplicationCatalog catalog;

	private final String busId;

	private final String ownApplication;

	private final Clock clock;

	private final Map<String, Sent> sent = new LinkedHashMap<>();

	InstanceRefresher(ApplicationEventPublisher publisher, ApplicationCatalog catalog, String busId,
			String ownApplication, Clock clock) {
		this.publisher = publisher;
		this.catalog = catalog;
		this.busId = busId;
		this.ownApplication = ownApplication;
		this.clock = clock;
	}

	/**
	 * The applications a change of these files concerns, named as {@code PropertyPathEndpoint}
	 * names them: {@code *} for {@code application.yml}, {@code a-b} and {@code a:b} for
	 * {@code a-b.yml} (application {@code a-b}, or application {@code a} with profile {@code b}).
	 */
	static Set<String> destinationsFor(Collection<String> files) {
		Set<String> destinations = new LinkedHashSet<>();
		for (String file : files) {
			String stem = StringUtils.stripFilenameExtension(StringUtils.getFilename(file));
			if (stem == null || stem.isEmpty()) {
				continue;
			}
			for (int dash = stem.indexOf('-'); dash >= 0; dash = stem.indexOf('-', dash + 1)) {
				String name = stem.substring(0, dash);
				String profile = stem.substring(dash + 1);
				if (name.equals("application")) {
					destinations.add("*:" + profile);
				}
				else if (!name.startsWith("application")) {
					destinations.add(name + ":" + profile);
				}
			}
			if (stem.equals("application")) {
				destinations.add("*");
			}
			else if (!stem.startsWith("application")) {
				destinations.add(stem);
			}
		}
		return destinations;
	}

	/** Refreshes the instances of the applications a change of these files concerns. */
	List<Refresh> refreshFor(Collection<String> files, String sentBy, String reason) {
		Set<String> destinations = destinationsFor(files);
		// a-b.yml: only the reading that names a registered application (or a-b itself) has instances
		List<Refresh> refreshes = new ArrayList<>();
		for (String destination : destinations) {
			if (destination.contains(":") && this.catalog.instances(destination.substring(0, destination.indexOf(':')))
				.isEmpty()) {
				continue;
			}
			refreshes.add(refresh(destination, sentBy, reason));
		}
		return refreshes;
	}

	/**
	 * Refreshes every instance of an application, or of every application.
	 * @param application the application, or {@code *} for all
	 */
	Refresh refresh(String application, String sentBy, String reason) {
		String applicationName = application.contains(":") ? application.substring(0, application.indexOf(':'))
				: application;
		List<Instance> expected = this.catalog.instances(applicationName)
			.stream()
			.filter((instance) -> !instance.application().equals(this.ownApplication))
			.toList();
		RefreshRemoteApplicationEvent event = new RefreshRemoteApplicationEvent(this, this.busId, application);
		Sent sent = new Sent(event.getId(), event.getDestinationService(), this.clock.instant(), sentBy, reason,
				expected);
		synchronized (this.sent) {
			this.sent.put(sent.id, sent);
			if (this.sent.size() > REMEMBERED) {
				this.sent.remove(this.sent.keySet().iterator().next());
			}
		}
		this.publisher.publishEvent(event);
		return sent.view();
	}

	/** Sent refreshes, newest first. */
	List<Refresh> refreshes() {
		List<Refresh> views = new ArrayList<>();
		synchronized (this.sent) {
			this.sent.values().forEach((sent) -> views.add(0, sent.view()));
		}
		return views;
	}

	Refresh refresh(String id) {
		Sent sent;
		synchronized (this.sent) {
			sent = this.sent.get(id);
		}
		if (sent == null) {
			throw ConsoleProblemException.notFound("refresh", "no refresh " + id + " was sent from this console");
		}
		return sent.view();
	}

	@Override
	public void onApplicationEvent(AckRemoteApplicationEvent ack) {
		if (log.isDebugEnabled()) {
			log.debug("Acknowledgement of " + ack.getAckId() + " (" + ack.getEvent() + ") from " + ack.getOriginService());
		}
		if (!RefreshRemoteApplicationEvent.class.equals(ack.getEvent())
				|| this.busId.equals(ack.getOriginService())) {
			return;
		}
		Sent sent;
		synchronized (this.sent) {
			sent = this.sent.get(ack.getAckId());
		}
		if (sent != null) {
			sent.acks.putIfAbsent(ack.getOriginService(), this.clock.instant());
		}
	}

	private static final class Sent {

		private final String id;

		private final String destination;

		private final Instant sentAt;

		private final String sentBy;

		private final String reason;

		private final List<Instance> expected;

		private final Map<String, Instant> acks = new ConcurrentHashMap<>();

		Sent(String id, String destination, Instant sentAt, String sentBy, String reason, List<Instance> expected) {
			this.id = id;
			this.destination = destination;
			this.sentAt = sentAt;
			this.sentBy = sentBy;
			this.reason = reason;
			this.expected = expected;
		}

		Refresh view() {
			Map<String, Instant> acks = new LinkedHashMap<>(this.acks);
			List<InstanceAck> instances = new ArrayList<>();
			for (Instance instance : this.expected) {
				String busId = acks.keySet()
					.stream()
					.filter((id) -> isBusIdOf(id, instance))
					.findFirst()
					.orElse(null);
				instances.add(new InstanceAck(instance, busId != null, busId, (busId != null) ? acks.remove(busId) : null));
			}
			return new Refresh(this.id, this.destination, this.sentAt, this.sentBy, this.reason, instances,
					List.copyOf(acks.keySet()));
		}

		/** {@code application:profiles:instance-id}, the bus id the starter gives every service. */
		private static boolean isBusIdOf(String busId, Instance instance) {
			return busId.regionMatches(true, 0, instance.application() + ":", 0, instance.application().length() + 1)
					&& busId.endsWith(":" + instance.instanceId());
		}

	}

}
