package dev.microplatform.config.security;

import dev.microplatform.starter.secret.SecretHash;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Compares passwords by their SHA-256 digest, in constant time ({@link SecretHash}). Only for
 * machine-generated secrets of full entropy, like the launcher's: a deliberately slow hash (BCrypt)
 * guards weak human passwords and would cost tens of milliseconds of CPU on every configuration
 * fetch.
 */
final class Sha256PasswordEncoder implements PasswordEncoder {

	@Override
	public String encode(CharSequence rawPassword) {
		return SecretHash.sha256Hex(rawPassword);
	}

	@Override
	public boolean matches(CharSequence rawPassword, String encodedPassword) {
		return rawPassword != null && encodedPassword != null
				&& SecretHash.same(encode(rawPassword), encodedPassword);
	}

}
