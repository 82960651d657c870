package dev.microplatform.gateway;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Refreshes the routes when the set of services with a passing instance changes. The discovery
 * locator makes a route only for a service that has one, and Spring Cloud Consul's catalog watch
 * fires when a service is registered, which is before its first health check has passed; a health
 * check turning passing does not move Consul's catalog, so without this a service started after the
 * gateway would never be routed.
 */
@Component
class RoutableServicesWatch implements SmartLifecycle {

	private static final Duration INTERVAL = Duration.ofSeconds(1);

	private final ReactiveDiscoveryClient discovery;

	private final ApplicationEventPublisher publisher;

	private final AtomicReference<Set<String>> routable = new AtomicReference<>();

	private volatile Disposable watch;

	RoutableServicesWatch(ReactiveDiscoveryClient discovery, ApplicationEventPublisher publisher) {
		this.discovery = discovery;
		this.publisher = publisher;
	}

	@Override
	public void start() {
		this.watch = Flux.interval(INTERVAL, INTERVAL)
			.onBackpressureDrop()
			.concatMap((tick) -> routableServices().onErrorResume((ex) -> Mono.empty()), 1)
			.subscribe(this::refreshIfChanged);
	}

	private Mono<Set<String>> routableServices() {
		return this.discovery.getServices()
			.filterWhen((service) -> this.discovery.getInstances(service).hasElements())
			.collect(Collectors.toUnmodifiableSet());
	}

	private void refreshIfChanged(Set<String> services) {
		Set<String> previous = this.routable.getAndSet(services);
		if (previous != null && !previous.equals(services)) {
			this.publisher.publishEvent(new RefreshRoutesEvent(this));
		}
	}

	@Override
	public void stop() {
		Disposable current = this.watch;
		if (current != null) {
			current.dispose();
		}
		this.watch = null;
	}

	@Override
	public boolean isRunning() {
		return this.watch != null;
	}

}
