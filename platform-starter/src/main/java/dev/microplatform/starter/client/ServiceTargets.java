package dev.microplatform.starter.client;

import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.microplatform.starter.client.PlatformClientProperties.OutlierSettings;
import dev.microplatform.starter.client.PlatformClientProperties.RetryBudgetSettings;
import dev.microplatform.starter.client.PlatformClientProperties.TargetSettings;
import dev.microplatform.starter.loadbalancer.OutlierDetector;
import dev.microplatform.starter.loadbalancer.PeakEwmaChooser;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.Environment;

/**
 * The {@link ServiceTarget} of every service this process calls, made on first use. A target's
 * settings are {@code platform.client.defaults} overlaid with {@code platform.client.services.<id>}.
 */
public class ServiceTargets {

	private final Environment environment;

	private final LongSupplier nanoClock;

	private final Consumer<ServiceTarget> onNewTarget;

	private final ConcurrentMap<String, ServiceTarget> targets = new ConcurrentHashMap<>();

	/**
	 * Create the registry.
	 * @param environment where the settings are read from
	 * @param nanoClock the time source of budgets, latencies and ejections
	 * @param onNewTarget told of each target when it is first made (to bind its metrics)
	 */
	public ServiceTargets(Environment environment, LongSupplier nanoClock, Consumer<ServiceTarget> onNewTarget) {
		this.environment = environment;
		this.nanoClock = nanoClock;
		this.onNewTarget = onNewTarget;
	}

	/**
	 * Return the target with this service id, making it on first use.
	 * @param serviceId the target's service id
	 * @return its state
	 */
	public ServiceTarget get(String serviceId) {
		return this.targets.computeIfAbsent(serviceId, (id) -> {
			ServiceTarget target = create(id);
			this.onNewTarget.accept(target);
			return target;
		});
	}

	/**
	 * Return the settings of calls to a target service.
	 * @param serviceId the target's service id
	 * @return the defaults overlaid with the target's own settings
	 */
	public TargetSettings settingsFor(String serviceId) {
		Binder binder = Binder.get(this.environment);
		TargetSettings settings = new TargetSettings();
		binder.bind(PlatformClientProperties.PREFIX + ".defaults", Bindable.ofInstance(settings));
		// Service ids need not be canonical property names (GREETER, greeter_v2).
		binder.bind(ConfigurationPropertyName.adapt(PlatformClientProperties.PREFIX + ".services." + serviceId, '.'),
				Bindable.ofInstance(settings));
		return settings;
	}

	private ServiceTarget create(String serviceId) {
		TargetSettings settings = settingsFor(serviceId);
		RetryBudgetSettings budget = settings.getRetryBudget();
		OutlierSettings outlier = settings.getOutlier();
		return new ServiceTarget(serviceId, settings,
				new RetryBudget(budget.getRatio(), budget.getMinRetriesPerSecond(), budget.getTtl(), this.nanoClock),
				new PeakEwmaChooser(settings.getEwmaDecay(), this.nanoClock, new Random()),
				new OutlierDetector(outlier.getConsecutiveFailures(), outlier.getBaseEjectionTime(),
						outlier.getMaxEjectionTime(), outlier.getMaxEjectedShare(), this.nanoClock));
	}

}
