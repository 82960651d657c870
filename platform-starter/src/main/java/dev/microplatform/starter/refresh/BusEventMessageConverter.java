package dev.microplatform.starter.refresh;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.cloud.bus.event.RemoteApplicationEvent;
import org.springframework.cloud.bus.event.UnknownRemoteApplicationEvent;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.AbstractMessageConverter;
import org.springframework.util.ClassUtils;
import org.springframework.util.MimeTypeUtils;

/**
 * Reads Spring Cloud Bus events from JSON with one mapper, built once.
 * <p>
 * Spring Cloud Bus 5.0's converter builds a new mapper for every message it reads, so Jackson
 * introspects the event classes again each time. Every instance reads every message on the bus:
 * each change's refresh events and every instance's acknowledgement. With six instances that was
 * a fifth of the bus thread's CPU in a refresh. This converter reads them as the bus's own does
 * (the same mapper settings, the same event types, an unknown type as an
 * {@link UnknownRemoteApplicationEvent}), with the mapper and its deserializers kept.
 */
final class BusEventMessageConverter extends AbstractMessageConverter {

	private static final Log log = LogFactory.getLog(BusEventMessageConverter.class);

	private final ObjectMapper mapper;

	BusEventMessageConverter(JsonMapper mapper) {
		super(MimeTypeUtils.APPLICATION_JSON);
		this.mapper = mapper.rebuild().registerSubtypes(busEventTypes()).build();
	}

	@Override
	protected boolean supports(Class<?> type) {
		return RemoteApplicationEvent.class.isAssignableFrom(type);
	}

	@Override
	protected Object convertFromInternal(Message<?> message, Class<?> targetClass, Object conversionHint) {
		Object payload = message.getPayload();
		try {
			if (payload instanceof byte[] bytes) {
				return this.mapper.readValue(bytes, targetClass);
			}
			if (payload instanceof String text) {
				return this.mapper.readValue(text, targetClass);
			}
			return (payload instanceof RemoteApplicationEvent) ? payload : null;
		}
		catch (InvalidTypeIdException ex) {
			// An event type this instance does not know: the bus passes it on as unknown
			byte[] bytes = (payload instanceof byte[] raw) ? raw : ((String) payload).getBytes();
			return new UnknownRemoteApplicationEvent(new Object(), ex.getTypeId(), bytes);
		}
		catch (JacksonException ex) {
			log.error("Could not read a bus event: " + ex.getOriginalMessage());
			return null;
		}
	}

	@Override
	protected Object convertToInternal(Object payload, MessageHeaders headers, Object conversionHint) {
		// Outgoing events are written by Spring Cloud Stream's JSON converter, as with the bus's own
		return null;
	}

	/** Spring Cloud Bus's concrete event classes: those it names in the messages' type field. */
	private static Class<?>[] busEventTypes() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AssignableTypeFilter(RemoteApplicationEvent.class));
		List<Class<?>> types = new ArrayList<>();
		for (BeanDefinition candidate : scanner.findCandidateComponents(ClassUtils.getPackageName(RemoteApplicationEvent.class))) {
			types.add(ClassUtils.resolveClassName(candidate.getBeanClassName(), BusEventMessageConverter.class.getClassLoader()));
		}
		return types.toArray(Class<?>[]::new);
	}

}
