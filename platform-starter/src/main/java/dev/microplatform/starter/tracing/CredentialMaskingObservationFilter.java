package dev.microplatform.starter.tracing;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;

/**
 * Masks credentials in every URL an observation records (a client span's {@code http.url}, the
 * gateway's {@code http.uri}), before the tracer reports it and before any meter takes its tags: a
 * caller's {@code ?access_token=...} never reaches Zipkin or a metric label.
 */
class CredentialMaskingObservationFilter implements ObservationFilter {

	private final QueryCredentialMask mask;

	CredentialMaskingObservationFilter(QueryCredentialMask mask) {
		this.mask = mask;
	}

	@Override
	public Observation.Context map(Observation.Context context) {
		for (KeyValue keyValue : context.getHighCardinalityKeyValues()) {
			String masked = maskedOrNull(keyValue.getValue());
			if (masked != null) {
				context.addHighCardinalityKeyValue(KeyValue.of(keyValue.getKey(), masked));
			}
		}
		for (KeyValue keyValue : context.getLowCardinalityKeyValues()) {
			String masked = maskedOrNull(keyValue.getValue());
			if (masked != null) {
				context.addLowCardinalityKeyValue(KeyValue.of(keyValue.getKey(), masked));
			}
		}
		return context;
	}

	private String maskedOrNull(String value) {
		if (value.indexOf('?') < 0) {
			return null;
		}
		String masked = this.mask.mask(value);
		return (masked.equals(value)) ? null : masked;
	}

}
