package dev.microplatform.starter.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A secret as the platform stores it in configuration: the hex of its SHA-256, never the secret
 * itself, and compared in constant time, so that response timing does not tell how much of a hash
 * matched. A fast hash is enough for the secrets the platform generates or hands out (API keys,
 * generated passwords: long and random); passwords that people choose need a slow one.
 */
public final class SecretHash {

	private SecretHash() {
	}

	/** The lower-case hex of the SHA-256 of the secret's UTF-8 bytes. */
	public static String sha256Hex(CharSequence secret) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(secret.toString().getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

	/** Whether two stored forms are the same, in a time that does not depend on where they differ. */
	public static boolean same(String hash, String otherHash) {
		return MessageDigest.isEqual(hash.getBytes(StandardCharsets.UTF_8), otherHash.getBytes(StandardCharsets.UTF_8));
	}

}
