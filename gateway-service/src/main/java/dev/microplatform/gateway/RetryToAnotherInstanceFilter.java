package dev.microplatform.gateway;

import dev.microplatform.starter.client.PreviousInstanceAvoidingServiceInstanceListSupplier;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Makes a retry by the {@code Retry} filter go to another instance than the attempt before it. The
 * gateway's load-balancer filter does not tell the balancer which instance failed (Spring Cloud
 * Gateway issue #3045), so round robin under concurrent load can pick the failed one again; this
 * names it for the starter's {@link PreviousInstanceAvoidingServiceInstanceListSupplier}.
 */
@Component
class RetryToAnotherInstanceFilter implements GlobalFilter, Ordered {

	@Override
	public int getOrder() {
		return ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER - 1;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		// Left over from the previous attempt: the Retry filter's reset keeps it
		Response<ServiceInstance> previous = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
		if (previous != null && previous.hasServer()) {
			exchange.getAttributes()
				.put(PreviousInstanceAvoidingServiceInstanceListSupplier.PREVIOUS_INSTANCE_ATTRIBUTE, previous.getServer());
		}
		return chain.filter(exchange);
	}

}
