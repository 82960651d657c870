package dev.microplatform.gateway.consumer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import reactor.core.publisher.Mono;

import org.springframework.core.io.Resource;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.util.StringUtils;

/**
 * The decoder of consumers' bearer tokens, from {@code platform.gateway.jwt}: RS256, checked for
 * signature, expiry (required) and not-before with a minute of clock skew, issuer and audience.
 * Without issuer and audience any token signed by the identity provider's key would do, including
 * one it issued for another application: so once tokens are verified at all (a public key or a
 * JWK set is set), both are required, and the gateway does not start without them.
 */
final class ConsumerJwtDecoders {

	private ConsumerJwtDecoders() {
	}

	/**
	 * The decoder for these settings; one that refuses every token when no key is set.
	 * @param jwt the settings
	 * @return the decoder
	 * @throws MissingJwtSettingException if a key is set but the issuer or the audience is not
	 */
	static ReactiveJwtDecoder of(GatewayConsumerProperties.Jwt jwt) {
		NimbusReactiveJwtDecoder decoder;
		if (StringUtils.hasText(jwt.getJwkSetUri())) {
			decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwt.getJwkSetUri()).build();
		}
		else if (jwt.getPublicKeyLocation() != null) {
			decoder = NimbusReactiveJwtDecoder.withPublicKey(publicKey(jwt.getPublicKeyLocation())).build();
		}
		else {
			return (token) -> Mono.error(new BadJwtException("no key to verify bearer tokens is configured"));
		}
		decoder.setJwtValidator(validator(jwt));
		return decoder;
	}

	static OAuth2TokenValidator<Jwt> validator(GatewayConsumerProperties.Jwt jwt) {
		List<String> missing = new ArrayList<>();
		if (!StringUtils.hasText(jwt.getIssuer())) {
			missing.add(GatewayConsumerProperties.Jwt.ISSUER);
		}
		if (!StringUtils.hasText(jwt.getAudience())) {
			missing.add(GatewayConsumerProperties.Jwt.AUDIENCE);
		}
		if (!missing.isEmpty()) {
			throw new MissingJwtSettingException(missing);
		}
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		// Spring Security accepts a token without expiry; a consumer's token must expire.
		validators.add(new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull));
		validators.add(new JwtIssuerValidator(jwt.getIssuer()));
		validators.add(new JwtAudienceValidator(jwt.getAudience()));
		return JwtValidators.createDefaultWithValidators(validators);
	}

	private static RSAPublicKey publicKey(Resource location) {
		try (InputStream pem = location.getInputStream()) {
			return RsaKeyConverters.x509().convert(pem);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the JWT public key from " + location, ex);
		}
	}

}
