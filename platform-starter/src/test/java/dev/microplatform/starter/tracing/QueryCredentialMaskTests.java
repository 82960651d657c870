package dev.microplatform.starter.tracing;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryCredentialMaskTests {

	private final QueryCredentialMask mask = new QueryCredentialMask(List.of("access_token", "API_KEY", "password"));

	@Test
	void masksTheNamedParametersAndKeepsTheRest() {
		assertThat(this.mask.mask("http://greeter/greetings?name=Ada&access_token=s3cr3t&lang=fr&Api_Key=k&password="))
			.isEqualTo("http://greeter/greetings?name=Ada&access_token=******&lang=fr&Api_Key=******&password=******");
	}

	@Test
	void masksEncodedNamesAsAServerReadsThem() {
		assertThat(this.mask.mask("/a?access%5Ftoken=s3cr3t")).isEqualTo("/a?access%5Ftoken=******");
	}

	@Test
	void leavesUrlsWithoutCredentialsAlone() {
		String url = "http://greeter/greetings?name=Ada&lang=fr#part";
		assertThat(this.mask.mask(url)).isSameAs(url);
		assertThat(this.mask.mask("/greetings")).isEqualTo("/greetings");
		assertThat(this.mask.mask("/a?password")).isEqualTo("/a?password");
	}

	@Test
	void keepsTheFragment() {
		assertThat(this.mask.mask("/a?password=x#top")).isEqualTo("/a?password=******#top");
	}

}
