package dev.microplatform.config.console;

import java.time.Instant;
import java.util.List;

/**
 * The JSON the console's API answers with: one record per thing the page shows.
 */
final class ConsoleViews {

	private ConsoleViews() {
	}

	/**
	 * An application configured by the repository or registered in Consul.
	 *
	 * @param name the application name ({@code spring.application.name})
	 * @param profiles its profiles with a file of their own ({@code default} always)
	 * @param files the repository files that configure it, most specific first
	 * @param instances its passing instances in Consul
	 */
	record Application(String name, List<String> profiles, List<String> files, List<Instance> instances) {
	}

	/**
	 * An instance registered in Consul.
	 *
	 * @param application its service id
	 * @param instanceId its Consul instance id
	 * @param host its host
	 * @param port its port
	 */
	record Instance(String application, String instanceId, String host, int port) {
	}

	/**
	 * One property as the application sees it, secrets masked.
	 *
	 * @param key the property
	 * @param value its value, or {@value SecretMask#MASK}
	 * @param masked whether the value is hidden
	 * @param file the repository file it comes from (null when not one of them)
	 * @param source the property source as Config Server names it
	 * @param overridden whether a more specific source sets it too (the one shown first wins)
	 */
	record Property(String key, Object value, boolean masked, String file, String source, boolean overridden) {
	}

	/**
	 * The configuration an application gets for a profile.
	 *
	 * @param application the application
	 * @param profile the profile
	 * @param label the label (branch, tag, commit) served
	 * @param version the commit served
	 * @param properties what it gets, in order of precedence
	 */
	record EffectiveConfiguration(String application, String profile, String label, String version,
			List<Property> properties) {
	}

	/**
	 * An edit asked for by the page.
	 *
	 * @param file the repository file ({@code greeter-service.yml})
	 * @param key the property
	 * @param value the new value, as YAML
	 * @param message the commit message (generated when blank)
	 */
	record Edit(String file, String key, String value, String message) {
	}

	/**
	 * A rollback asked for by the page.
	 *
	 * @param message the commit message (generated when blank)
	 */
	record Rollback(String message) {
	}

	/**
	 * A refresh asked for with the page's button.
	 *
	 * @param application the application to refresh, every one when blank
	 */
	record RefreshRequest(String application) {
	}

	/**
	 * A commit the console made and the refresh it pushed.
	 *
	 * @param commit the commit
	 * @param refreshes the refresh events sent over the bus
	 */
	record Change(CommitSummary commit, List<Refresh> refreshes) {
	}

	/**
	 * A commit's diff.
	 *
	 * @param commit the commit
	 * @param diff its unified diff against its parent, secrets masked
	 */
	record Diff(CommitSummary commit, String diff) {
	}

	/**
	 * A refresh event sent over the bus, and who acknowledged it.
	 *
	 * @param id the bus event id (acknowledgements carry it)
	 * @param destination the bus destination ({@code greeter-service:**}, {@code **})
	 * @param sentAt when it was sent
	 * @param sentBy who sent it
	 * @param reason why (the commit, or the refresh button)
	 * @param instances the instances Consul listed for it then, each acknowledged or not
	 * @param otherAcks acknowledgements from bus ids matching none of those instances
	 */
	record Refresh(String id, String destination, Instant sentAt, String sentBy, String reason,
			List<InstanceAck> instances, List<String> otherAcks) {
	}

	/**
	 * An instance expected to acknowledge a refresh.
	 *
	 * @param instance the instance
	 * @param acknowledged whether it acknowledged the refresh
	 * @param busId the bus id it acknowledged with (null while it has not)
	 * @param ackedAt when its acknowledgement arrived (null while it has not)
	 */
	record InstanceAck(Instance instance, boolean acknowledged, String busId, Instant ackedAt) {
	}

}
