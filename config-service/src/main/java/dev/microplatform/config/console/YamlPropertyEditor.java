package dev.microplatform.config.console;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Sets one property in a YAML file by rewriting only the characters of its value, so comments,
 * order and layout survive (SnakeYAML would drop the comments if it wrote the whole file again).
 * A key not in the file yet is appended as one {@code dotted.key: value} line, which Spring reads
 * like the nested form. Refuses, and changes nothing, when the value is not a YAML scalar, when it
 * is not of the kind (number, boolean) the key holds now, or when the file would not read back
 * with exactly the new value.
 */
final class YamlPropertyEditor {

	private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

	/**
	 * The file with the property set.
	 * @param file the file's name, for messages
	 * @param yaml the file's content
	 * @param key the property, dotted as Spring names it ({@code greeter.template})
	 * @param valueText the new value as YAML ({@code 42}, {@code true}, {@code "Hello"})
	 * @return the new content of the file
	 * @throws ConsoleProblemException when the edit is refused
	 */
	String set(String file, String yaml, String key, String valueText) {
		if (key == null || !KEY.matcher(key).matches()) {
			throw ConsoleProblemException.invalidField("key",
					"'" + key + "' is not a property key (letters, digits, '-' and '_', separated by dots)");
		}
		Object value = parseValue(key, valueText);
		List<Node> documents = compose(file, yaml);
		Map<String, Object> current = flatten(file, yaml);
		checkKind(key, current.get(key), value);

		ScalarNode scalar = null;
		for (Node document : documents) {
			Node found = find(document, key);
			if (found != null && !(found instanceof ScalarNode)) {
				throw ConsoleProblemException.notEditable(key,
						"'" + key + "' holds a section or a list in " + file + ", not a single value");
			}
			if (found != null) {
				scalar = (ScalarNode) found;
				break;
			}
		}
		if (scalar == null) {
			refuseIfNotAppendable(file, key, current, documents.size());
		}
		else if (scalar.getStartMark().getLine() != scalar.getEndMark().getLine()) {
			throw ConsoleProblemException.notEditable(key,
					"'" + key + "' is a multi-line value in " + file + "; edit it in the repository");
		}

		String written = valueText.strip();
		List<String> renderings = written.contains("\n") ? List.of(render(value)) : List.of(written, render(value));
		for (String rendering : renderings) {
			String edited = (scalar != null) ? replace(yaml, scalar, rendering) : append(yaml, key, rendering);
			if (readsBack(file, edited, key, value)) {
				return edited;
			}
		}
		throw ConsoleProblemException.notEditable(key,
				"setting '" + key + "' in " + file + " in place would not read back as the new value");
	}

	private Object parseValue(String key, String valueText) {
		if (valueText == null || valueText.isBlank()) {
			throw ConsoleProblemException.invalidField("value",
					"the value of '" + key + "' is empty; write \"\" for an empty text");
		}
		Object value;
		try {
			value = yaml().load(valueText);
		}
		catch (YAMLException ex) {
			throw ConsoleProblemException.invalidYaml("value",
					"the value of '" + key + "' is not valid YAML: " + firstLine(ex.getMessage()));
		}
		if (value instanceof Map || value instanceof List) {
			throw ConsoleProblemException.invalidYaml("value", "the value of '" + key
					+ "' is a YAML " + ((value instanceof Map) ? "mapping" : "list")
					+ ", not a single value; quote text that contains ': ', '{', '[' or ' #'");
		}
		if (value == null) {
			throw ConsoleProblemException.invalidField("value",
					"the value of '" + key + "' is null; write \"\" for an empty text");
		}
		return value;
	}

	private void checkKind(String key, Object existing, Object value) {
		String expected = kind(existing);
		if (expected != null && !expected.equals(kind(value))) {
			throw ConsoleProblemException.wrongType(key, expected, "'" + key + "' holds a " + expected + " ("
					+ existing + "); the new value must be a " + expected + " too, not " + describe(value));
		}
	}

	private static String kind(Object value) {
		if (value instanceof Number) {
			return "number";
		}
		if (value instanceof Boolean) {
			return "boolean";
		}
		return null;
	}

	private static String describe(Object value) {
		String kind = kind(value);
		return (kind != null) ? "a " + kind : "a text";
	}

	private void refuseIfNotAppendable(String file, String key, Map<String, Object> current, int documents) {
		if (current.containsKey(key)) {
			throw ConsoleProblemException.notEditable(key,
					"'" + key + "' is set in " + file + " in a way the console does not edit in place");
		}
		for (String existing : current.keySet()) {
			if (existing.startsWith(key + ".") || existing.startsWith(key + "[")) {
				throw ConsoleProblemException.notEditable(key,
						"'" + key + "' is a section in " + file + " (it holds '" + existing + "')");
			}
			if (key.startsWith(existing + ".")) {
				throw ConsoleProblemException.notEditable(key,
						"'" + existing + "' is a single value in " + file + "; it cannot hold '" + key + "'");
			}
		}
		if (documents > 1) {
			throw ConsoleProblemException.notEditable(key, file
					+ " has several YAML documents; add a new key to the right one in the repository");
		}
	}

	/** The value node of a dotted key, whether the file nests it, dots it, or mixes both. */
	private static Node find(Node node, String key) {
		if (!(node instanceof MappingNode mapping)) {
			return null;
		}
		for (NodeTuple tuple : mapping.getValue()) {
			if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
				continue;
			}
			String name = keyNode.getValue();
			if (key.equals(name)) {
				return tuple.getValueNode();
			}
			if (key.startsWith(name + ".")) {
				Node found = find(tuple.getValueNode(), key.substring(name.length() + 1));
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	private static String replace(String yaml, ScalarNode scalar, String rendering) {
		int start = charIndex(yaml, scalar.getStartMark());
		int end = charIndex(yaml, scalar.getEndMark());
		return yaml.substring(0, start) + rendering + yaml.substring(end);
	}

	/** SnakeYAML counts code points; Java strings count UTF-16 chars. */
	private static int charIndex(String yaml, Mark mark) {
		return yaml.offsetByCodePoints(0, mark.getIndex());
	}

	private static String append(String yaml, String key, String rendering) {
		String separator = (yaml.isEmpty() || yaml.endsWith("\n")) ? "" : "\n";
		return yaml + separator + key + ": " + rendering + "\n";
	}

	/** A value written as YAML that reads back as itself wherever a block value can stand. */
	private static String render(Object value) {
		if (!(value instanceof String text)) {
			return String.valueOf(value);
		}
		DumperOptions options = new DumperOptions();
		options.setDefaultScalarStyle(DumperOptions.ScalarStyle.DOUBLE_QUOTED);
		options.setWidth(Integer.MAX_VALUE);
		options.setSplitLines(false);
		return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options).dump(text).strip();
	}

	private boolean readsBack(String file, String edited, String key, Object value) {
		try {
			return Objects.equals(flatten(file, edited).get(key), value);
		}
		catch (ConsoleProblemException ex) {
			return false;
		}
	}

	private List<Node> compose(String file, String yaml) {
		try {
			List<Node> documents = new ArrayList<>();
			yaml().composeAll(new StringReader(yaml)).forEach(documents::add);
			return documents;
		}
		catch (YAMLException ex) {
			throw ConsoleProblemException.invalidYaml("file",
					file + " in the repository is not valid YAML: " + firstLine(ex.getMessage()));
		}
	}

	/** The file's properties as Spring flattens them; later documents win, as they do for Spring. */
	Map<String, Object> flatten(String file, String yaml) {
		Map<String, Object> flat = new LinkedHashMap<>();
		try {
			for (Object document : yaml().loadAll(yaml)) {
				if (document instanceof Map<?, ?> map) {
					flatten("", map, flat);
				}
				else if (document != null) {
					throw ConsoleProblemException.invalidYaml("file", file + " is not a YAML mapping");
				}
			}
		}
		catch (YAMLException ex) {
			throw ConsoleProblemException.invalidYaml("file",
					file + " would not be valid YAML: " + firstLine(ex.getMessage()));
		}
		return flat;
	}

	private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> flat) {
		map.forEach((name, value) -> {
			String key = String.valueOf(name);
			String path = prefix.isEmpty() ? key : (key.startsWith("[") ? prefix + key : prefix + "." + key);
			flattenValue(path, value, flat);
		});
	}

	private static void flattenValue(String path, Object value, Map<String, Object> flat) {
		if (value instanceof Map<?, ?> nested) {
			flatten(path, nested, flat);
		}
		else if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				flattenValue(path + "[" + i + "]", list.get(i), flat);
			}
		}
		else {
			flat.put(path, value);
		}
	}

	private static Yaml yaml() {
		return new Yaml(new SafeConstructor(new LoaderOptions()));
	}

	private static String firstLine(String message) {
		String text = String.valueOf(message).strip();
		return text.lines().findFirst().orElse(text);
	}

}
