package dev.microplatform.starter.refresh;

import java.util.Objects;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.validation.Validator;

/**
 * The current settings of one {@code @ConfigurationProperties} type, for code that reads them on
 * every request.
 * <p>
 * Spring Cloud rebinds a properties bean in place: it resets the bean to its defaults, then binds it
 * again. A request that reads the bean in between sees default settings (no rate limits, no
 * degraded endpoint). This holder binds a whole new instance from the {@link Environment} after
 * every configuration change and swaps it in at once, so a reader sees the old settings or the new
 * ones, never a mix. Settings that do not bind or validate leave the previous instance in place, with
 * a warning naming what was wrong.
 *
 * @param <T> the properties type, a JavaBean with a public no-argument constructor
 */
public final class LiveProperties<T> implements Supplier<T>, ApplicationListener<EnvironmentChangeEvent> {

	private static final Log logger = LogFactory.getLog(LiveProperties.class);

	private final Environment environment;

	private final String prefix;

	private final Bindable<T> bindable;

	private final BindHandler bindHandler;

	private volatile T current;

	/**
	 * Create a holder.
	 * @param environment where the settings are bound from
	 * @param prefix the settings' prefix, as in {@code @ConfigurationProperties}
	 * @param type the properties type
	 * @param initial the settings to start with (the properties bean, bound at start-up)
	 * @param validator what a new instance must pass before it is swapped in, or {@code null}
	 */
	public LiveProperties(Environment environment, String prefix, Class<T> type, T initial,
			@Nullable Validator validator) {
		this.environment = Objects.requireNonNull(environment, "environment must not be null");
		this.prefix = Objects.requireNonNull(prefix, "prefix must not be null");
		this.bindable = Bindable.of(Objects.requireNonNull(type, "type must not be null"));
		this.bindHandler = (validator != null) ? new ValidationBindHandler(validator) : BindHandler.DEFAULT;
		this.current = Objects.requireNonNull(initial, "initial must not be null");
	}

	@Override
	public T get() {
		return this.current;
	}

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		try {
			this.current = Binder.get(this.environment).bindOrCreate(this.prefix, this.bindable, this.bindHandler);
		}
		catch (BindException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			logger.warn("Keeping the previous " + this.prefix + " settings, the new ones are invalid: "
					+ cause.getMessage());
		}
	}

}
