package dev.microplatform.config.console;

import java.time.Instant;
import java.util.List;

/**
 * One commit of the served repository, as the history lists it.
 *
 * @param id the full commit id
 * @param shortId its first seven characters
 * @param author who made the change
 * @param email the author's email
 * @param time when
 * @param message the whole message
 * @param files the files it changed
 */
record CommitSummary(String id, String shortId, String author, String email, Instant time, String message,
		List<String> files) {
}
