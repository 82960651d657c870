package dev.microplatform.starter.problem;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ProblemTypes}.
 */
class ProblemTypesTests {

	@Test
	void aTypeIsTheNameUnderThePlatformsUrn() {
		assertThat(ProblemTypes.of("config-console-invalid-yaml"))
			.hasToString("urn:problem-type:platform:config-console-invalid-yaml");
		assertThat(ProblemTypes.RATE_LIMITED).hasToString("urn:problem-type:platform:rate-limited");
		assertThat(ProblemTypes.INVALID_REQUEST).isEqualTo(ProblemTypes.of("invalid-request"));
	}

	@Test
	void aNameIsLowerCaseWordsJoinedByHyphens() {
		for (String name : new String[] { "", "Rate-Limited", "rate limited", "-rate", "rate-", "rate--limited", "a:b",
				"a/b" }) {
			assertThatIllegalArgumentException().isThrownBy(() -> ProblemTypes.of(name));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> ProblemTypes.of(null));
	}

}
