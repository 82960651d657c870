package dev.microplatform.config.security;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import dev.microplatform.config.security.ConfigServiceSecurityProperties.Account;

/**
 * Every call to config-service is authenticated, but for what Consul and Prometheus read and the
 * push endpoint (authenticated by its webhook signature instead): services fetch configuration
 * as {@code CLIENT}; the console, {@code /encrypt} and the other management endpoints need
 * {@code ADMIN}. Nothing serves a decrypted value but the configuration fetched by clients:
 * {@code /decrypt} is closed to everyone.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConfigServiceSecurityProperties.class)
class ConfigServiceSecurityConfiguration {

	static final String CLIENT = "CLIENT";

	static final String ADMIN = "ADMIN";

	private static final ProblemDetailsAuthenticationEntryPoint PROBLEMS = new ProblemDetailsAuthenticationEntryPoint();

	@Bean
	SecurityFilterChain configServiceSecurity(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests
			.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/monitor")
			.permitAll()
			// Boot's error page: a refused request (a path traversal attempt, say) keeps its status
			.requestMatchers("/error")
			.permitAll()
			.requestMatchers("/decrypt", "/decrypt/**")
			.denyAll()
			.requestMatchers("/encrypt", "/encrypt/**", "/actuator", "/actuator/**", "/console", "/console/**")
			.hasRole(ADMIN)
			.anyRequest()
			.hasAnyRole(CLIENT, ADMIN))
			.httpBasic((basic) -> basic.authenticationEntryPoint(PROBLEMS))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(PROBLEMS).accessDeniedHandler(PROBLEMS))
			// Scripts and services send credentials on every call; only the console's browser
			// pages need protection from cross-site requests.
			.csrf((csrf) -> csrf.spa().ignoringRequestMatchers((request) -> !request.getServletPath().startsWith("/console")))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	@Bean
	InMemoryUserDetailsManager configServiceAccounts(ConfigServiceSecurityProperties properties,
			Sha256PasswordEncoder passwords) {
		return new InMemoryUserDetailsManager(user(properties.client(), CLIENT, passwords),
				user(properties.admin(), ADMIN, passwords));
	}

	@Bean
	Sha256PasswordEncoder passwordEncoder() {
		return new Sha256PasswordEncoder();
	}

	private static UserDetails user(Account account, String role, Sha256PasswordEncoder passwords) {
		return User.withUsername(account.username())
			.password(passwords.encode(account.password()))
			.roles(role)
			.build();
	}

}
