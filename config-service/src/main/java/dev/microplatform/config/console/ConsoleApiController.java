package dev.microplatform.config.console;

import java.security.Principal;
import java.util.List;

import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.microplatform.config.console.ConsoleViews.Application;
import dev.microplatform.config.console.ConsoleViews.Change;
import dev.microplatform.config.console.ConsoleViews.Diff;
import dev.microplatform.config.console.ConsoleViews.EffectiveConfiguration;
import dev.microplatform.config.console.ConsoleViews.Edit;
import dev.microplatform.config.console.ConsoleViews.Refresh;
import dev.microplatform.config.console.ConsoleViews.RefreshRequest;
import dev.microplatform.config.console.ConsoleViews.Rollback;

/**
 * The JSON API of the console page ({@code /console/}); only operators (role ADMIN) reach it, and
 * its writes need the page's CSRF token (see the security configuration).
 */
@RestController
@RequestMapping("/console/api")
class ConsoleApiController {

	private static final int MAX_HISTORY = 200;

	private final ApplicationCatalog catalog;

	private final EffectiveConfigurationReader configurations;

	private final ServedRepository repository;

	private final ConfigurationEditor editor;

	private final InstanceRefresher refresher;

	ConsoleApiController(ApplicationCatalog catalog, EffectiveConfigurationReader configurations,
			ServedRepository repository, ConfigurationEditor editor, InstanceRefresher refresher) {
		this.catalog = catalog;
		this.configurations = configurations;
		this.repository = repository;
		this.editor = editor;
		this.refresher = refresher;
	}

	@GetMapping("/applications")
	List<Application> applications() {
		return this.catalog.applications();
	}

	@GetMapping("/applications/{application}/{profile}")
	EffectiveConfiguration configuration(@PathVariable String application, @PathVariable String profile,
			@RequestParam(required = false) String label) {
		return this.configurations.read(application, profile, label);
	}

	@GetMapping("/files")
	List<String> files() {
		return this.repository.files().stream().filter((file) -> file.endsWith(".yml")).toList();
	}

	@PostMapping("/edits")
	Change edit(@RequestBody Edit edit, Principal user) {
		return this.editor.edit(edit, user.getName());
	}

	@GetMapping("/commits")
	List<CommitSummary> commits(@RequestParam(defaultValue = "50") int limit) {
		return this.repository.history(Math.max(1, Math.min(limit, MAX_HISTORY)));
	}

	@GetMapping("/commits/{id}")
	Diff commit(@PathVariable String id) {
		return new Diff(this.repository.summary(id), SecretMask.maskText(this.repository.diff(id)));
	}

	@PostMapping("/commits/{id}/rollback")
	Change rollback(@PathVariable String id, @RequestBody(required = false) Rollback rollback, Principal user) {
		return this.editor.rollback(id, (rollback != null) ? rollback.message() : null, user.getName());
	}

	@PostMapping("/refreshes")
	Refresh refresh(@RequestBody(required = false) RefreshRequest request, Principal user) {
		String application = (request != null && StringUtils.hasText(request.application()))
				? request.application().strip() : "*";
		if (!"*".equals(application) && !application.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
			throw ConsoleProblemException.invalidField("application", "'" + application + "' is not an application name");
		}
		return this.refresher.refresh(application, user.getName(), "refresh button");
	}

	@GetMapping("/refreshes")
	List<Refresh> refreshes() {
		return this.refresher.refreshes();
	}

	@GetMapping("/refreshes/{id}")
	Refresh refresh(@PathVariable String id) {
		return this.refresher.refresh(id);
	}

}
