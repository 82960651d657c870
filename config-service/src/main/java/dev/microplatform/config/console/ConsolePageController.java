package dev.microplatform.config.console;

import java.util.Map;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The console's page and its two assets (static resources under {@code static/console/}). Served
 * by a controller, not by Spring MVC's static resource handling: Config Server's
 * {@code /{application}/{profile}} mapping would otherwise answer {@code /console/console.js} as
 * the configuration of an application named "console".
 */
@Controller
class ConsolePageController {

	private static final Map<String, MediaType> ASSETS = Map.of("index.html", MediaType.TEXT_HTML, "console.js",
			MediaType.valueOf("text/javascript"), "console.css", MediaType.valueOf("text/css"));

	@GetMapping("/console")
	String console() {
		return "redirect:/console/";
	}

	@GetMapping("/console/")
	ResponseEntity<Resource> page() {
		return asset("index.html");
	}

	@GetMapping("/console/{asset:index\\.html|console\\.js|console\\.css}")
	ResponseEntity<Resource> asset(@PathVariable String asset) {
		return ResponseEntity.ok()
			.contentType(ASSETS.get(asset))
			.cacheControl(CacheControl.noCache())
			.body(new ClassPathResource("static/console/" + asset));
	}

}
