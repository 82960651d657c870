package dev.microplatform.starter.secret;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretHashTests {

	@Test
	void hashesToTheHexOfSha256() {
		// sha256("abc"), FIPS 180-2's first example
		assertThat(SecretHash.sha256Hex("abc"))
			.isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}

	@Test
	void comparesStoredForms() {
		String stored = SecretHash.sha256Hex("s3cr3t");
		assertThat(SecretHash.same(SecretHash.sha256Hex("s3cr3t"), stored)).isTrue();
		assertThat(SecretHash.same(SecretHash.sha256Hex("s3cr3T"), stored)).isFalse();
		assertThat(SecretHash.same("", stored)).isFalse();
	}

}
