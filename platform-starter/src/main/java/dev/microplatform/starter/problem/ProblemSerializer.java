package dev.microplatform.starter.problem;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.http.ProblemDetail;

/**
 * Writes the problem details of a rejected request as JSON. The auto-configuration
 * provides one that uses the application's {@code JsonMapper}.
 */
@FunctionalInterface
public interface ProblemSerializer {

	/**
	 * Write the given problem as an {@code application/problem+json} body.
	 * @param problem the problem
	 * @return the JSON, encoded in UTF-8
	 */
	byte[] serialize(ProblemDetail problem);

	/**
	 * Return a serializer that needs no JSON library: it writes the standard members
	 * and the properties, numbers and booleans as such and anything else as a string.
	 * @return the minimal serializer
	 */
	static ProblemSerializer minimal() {
		return (problem) -> {
			StringBuilder json = new StringBuilder("{");
			appendMember(json, "type", problem.getType());
			appendMember(json, "title", problem.getTitle());
			appendMember(json, "status", problem.getStatus());
			appendMember(json, "detail", problem.getDetail());
			appendMember(json, "instance", problem.getInstance());
			if (problem.getProperties() != null) {
				problem.getProperties().forEach((name, value) -> appendMember(json, name, value));
			}
			return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
		};
	}

	private static void appendMember(StringBuilder json, String name, @Nullable Object value) {
		if (value == null) {
			return;
		}
		if (json.length() > 1) {
			json.append(',');
		}
		appendString(json, name);
		json.append(':');
		if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
			json.append(value);
		}
		else {
			appendString(json, value.toString());
		}
	}

	private static void appendString(StringBuilder json, String value) {
		json.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

}
