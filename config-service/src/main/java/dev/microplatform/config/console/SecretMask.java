package dev.microplatform.config.console;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the console never shows: {@code {cipher}} values (not even their cipher text) and the values
 * of keys that name a secret. Config Server decrypts only for clients fetching their configuration;
 * an operator's browser gets {@value #MASK}.
 */
final class SecretMask {

	static final String MASK = "******";

	private static final String[] SECRET_WORDS = { "password", "passwd", "secret", "key", "token", "credential" };

	/** {@code {cipher}} and its hex (or base64) payload, quoted or not. */
	private static final Pattern CIPHER = Pattern.compile("\\{cipher\\}(\\{[^}]*\\})?[A-Za-z0-9+/=]*");

	/** A diff line {@code [+- ]key: value}: the value is masked when the key names a secret. */
	private static final Pattern KEY_LINE = Pattern.compile("^([+\\- ]?\\s*-?\\s*)([^:#\\s][^:#]*?)(:\\s+)(\\S.*)$");

	private SecretMask() {
	}

	/** Whether a property (dotted, as Spring names it) holds a secret by its name. */
	static boolean isSecretKey(String key) {
		String last = key.toLowerCase(Locale.ROOT);
		int dot = last.lastIndexOf('.');
		last = (dot >= 0) ? last.substring(dot + 1) : last;
		for (String word : SECRET_WORDS) {
			if (last.contains(word)) {
				return true;
			}
		}
		return false;
	}

	static boolean isCipher(Object value) {
		return (value instanceof String text) && text.strip().replaceFirst("^['\"]", "").startsWith("{cipher}");
	}

	/** The value as the console shows it. */
	static Object mask(String key, Object value) {
		if (value == null) {
			return null;
		}
		return (isSecretKey(key) || isCipher(value)) ? MASK : value;
	}

	/** A YAML file or diff text with every cipher value and every secret key's value masked. */
	static String maskText(String text) {
		String withoutCiphers = CIPHER.matcher(text).replaceAll(Matcher.quoteReplacement("{cipher}" + MASK));
		StringBuilder masked = new StringBuilder(withoutCiphers.length());
		withoutCiphers.lines().forEach((line) -> {
			Matcher keyLine = KEY_LINE.matcher(line);
			if (!line.startsWith("+++") && !line.startsWith("---") && keyLine.matches()
					&& isSecretKey(keyLine.group(2).strip())) {
				masked.append(keyLine.group(1)).append(keyLine.group(2)).append(keyLine.group(3)).append(MASK);
			}
			else {
				masked.append(line);
			}
			masked.append('\n');
		});
		return masked.toString();
	}

}
