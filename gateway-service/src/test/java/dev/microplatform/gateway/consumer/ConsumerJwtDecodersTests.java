package dev.microplatform.gateway.consumer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.io.FileSystemResource;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Which tokens the consumers' decoder accepts: signed with the key, unexpired, of the configured
 * issuer and for the configured audience; and that it cannot be made without issuer and audience.
 */
class ConsumerJwtDecodersTests {

	private static final String ISSUER = "https://idp.example/platform";

	private static final String AUDIENCE = "platform-api";

	private static KeyPair keys;

	@TempDir
	static Path folder;

	private static Path publicKey;

	@BeforeAll
	static void keyPair() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		keys = generator.generateKeyPair();
		publicKey = folder.resolve("public.pem");
		Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
	}

	@Test
	void aTokenOfTheIssuerForTheAudienceIsAccepted() {
		Jwt jwt = decoder().decode(token(UnaryOperator.identity())).block();

		assertThat(jwt.getSubject()).isEqualTo("partner");
	}

	@Test
	void anAudienceListIncludingThePlatformIsAccepted() {
		Jwt jwt = decoder().decode(token((claims) -> claims.audience(List.of("other-api", AUDIENCE)))).block();

		assertThat(jwt.getAudience()).contains(AUDIENCE);
	}

	@Test
	void aTokenOfAnotherIssuerIsRefused() {
		assertRefused(token((claims) -> claims.issuer("https://idp.example/someone-else")));
	}

	@Test
	void aTokenWithoutIssuerIsRefused() {
		assertRefused(token((claims) -> claims.issuer(null)));
	}

	@Test
	void aTokenForAnotherAudienceIsRefused() {
		assertRefused(token((claims) -> claims.audience("other-api")));
	}

	@Test
	void aTokenWithoutAudienceIsRefused() {
		assertRefused(token((claims) -> claims.audience((String) null)));
	}

	@Test
	void aTokenWithoutExpiryIsRefused() {
		assertRefused(token((claims) -> claims.expirationTime(null)));
	}

	@Test
	void withAKeyButNoIssuerOrAudienceThereIsNoDecoder() {
		GatewayConsumerProperties.Jwt noAudience = settings();
		noAudience.setAudience(null);
		assertThatExceptionOfType(MissingJwtSettingException.class).isThrownBy(() -> ConsumerJwtDecoders.of(noAudience))
			.satisfies((ex) -> assertThat(ex.keys()).containsExactly("platform.gateway.jwt.audience"));

		GatewayConsumerProperties.Jwt neither = new GatewayConsumerProperties.Jwt();
		neither.setJwkSetUri("https://idp.example/jwks");
		neither.setIssuer(" ");
		assertThatExceptionOfType(MissingJwtSettingException.class).isThrownBy(() -> ConsumerJwtDecoders.of(neither))
			.satisfies((ex) -> assertThat(ex.keys()).containsExactly("platform.gateway.jwt.issuer",
					"platform.gateway.jwt.audience"));
	}

	@Test
	void withoutAKeyNothingIsRequiredAndEveryTokenIsRefused() {
		ReactiveJwtDecoder decoder = ConsumerJwtDecoders.of(new GatewayConsumerProperties.Jwt());

		assertThatExceptionOfType(BadJwtException.class)
			.isThrownBy(() -> decoder.decode(token(UnaryOperator.identity())).block());
	}

	@Test
	void theStartUpFailureNamesTheMissingSettings() {
		FailureAnalysis analysis = new MissingJwtSettingFailureAnalyzer().analyze(new IllegalStateException(
				"Error creating bean", new MissingJwtSettingException(List.of("platform.gateway.jwt.issuer"))));

		assertThat(analysis.getDescription()).contains("platform.gateway.jwt.issuer")
			.contains("platform.gateway.jwt.public-key-location")
			.doesNotContain("\n");
		assertThat(analysis.getAction()).startsWith("Set platform.gateway.jwt.issuer:");
	}

	private static GatewayConsumerProperties.Jwt settings() {
		GatewayConsumerProperties.Jwt jwt = new GatewayConsumerProperties.Jwt();
		jwt.setPublicKeyLocation(new FileSystemResource(publicKey));
		jwt.setIssuer(ISSUER);
		jwt.setAudience(AUDIENCE);
		return jwt;
	}

	private static ReactiveJwtDecoder decoder() {
		return ConsumerJwtDecoders.of(settings());
	}

	private static void assertRefused(String token) {
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder().decode(token).block());
	}

	/** A token the platform's identity provider would issue, changed by {@code change}. */
	private static String token(UnaryOperator<JWTClaimsSet.Builder> change) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("partner")
			.issuer(ISSUER)
			.audience(AUDIENCE)
			.issueTime(new Date())
			.expirationTime(Date.from(Instant.now().plusSeconds(300)));
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), change.apply(claims).build());
		try {
			jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
