package dev.microplatform.config.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Compares passwords by their SHA-256 digest, in constant time. Only for machine-generated
 * secrets of full entropy, like the launcher's: a deliberately slow hash (BCrypt) guards weak
 * human passwords and would cost tens of milliseconds of CPU on every configuration fetch.
 */
final class Sha256PasswordEncoder implements PasswordEncoder {

	@Override
	public String encode(CharSequence rawPassword) {
		return HexFormat.of().formatHex(sha256(rawPassword));
	}

	@Override
	public boolean matches(CharSequence rawPassword, String encodedPassword) {
		if (rawPassword == null || encodedPassword == null) {
			return false;
		}
		return MessageDigest.isEqual(encode(rawPassword).getBytes(StandardCharsets.US_ASCII),
				encodedPassword.getBytes(StandardCharsets.US_ASCII));
	}

	private static byte[] sha256(CharSequence value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.toString().getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java runtime has SHA-256", ex);
		}
	}

}
