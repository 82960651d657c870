package dev.microplatform.gateway;

import java.net.URI;

import dev.microplatform.starter.client.PreviousInstanceAvoidingServiceInstanceListSupplier;
import dev.microplatform.starter.client.RetryBudget;
import dev.microplatform.starter.client.ServiceTargets;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Runs before every attempt the {@code Retry} filter makes on an {@code lb://} route. A retry goes to
 * another instance than the attempt before it: the gateway's load-balancer filter does not tell the
 * balancer which instance failed (Spring Cloud Gateway issue #3045), so round robin under
 * concurrent load can pick the failed one again; this names it for the starter's
 * {@link PreviousInstanceAvoidingServiceInstanceListSupplier}. And a retry is drawn from the target's
 * {@link RetryBudget}, as the starter's own client retries are: once the budget is spent, the retry
 * is not made (503), so a struggling service gets no more than its budget in extra load.
 */
@Component
class RetryToAnotherInstanceFilter implements GlobalFilter, Ordered {

	private final ServiceTargets targets;

	RetryToAnotherInstanceFilter(ServiceTargets targets) {
		this.targets = targets;
	}

	@Override
	public int getOrder() {
		return ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER - 1;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		URI uri = (route != null) ? route.getUri() : null;
		if (uri == null || !"lb".equals(uri.getScheme()) || uri.getHost() == null) {
			return chain.filter(exchange);
		}
		RetryBudget budget = this.targets.get(uri.getHost()).retryBudget();
		// Left over from the previous attempt: the Retry filter's reset keeps it
		Response<ServiceInstance> previous = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
		if (previous == null) {
			budget.recordRequest();
			return chain.filter(exchange);
		}
		if (!budget.tryRetry()) {
			return Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
					"The retry budget of " + uri.getHost() + " is spent"));
		}
		if (previous.hasServer()) {
			exchange.getAttributes()
				.put(PreviousInstanceAvoidingServiceInstanceListSupplier.PREVIOUS_INSTANCE_ATTRIBUTE, previous.getServer());
		}
		return chain.filter(exchange);
	}

}
