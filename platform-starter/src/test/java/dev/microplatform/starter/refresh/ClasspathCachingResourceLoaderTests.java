package dev.microplatform.starter.refresh;

import java.net.URL;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileUrlResource;
import org.springframework.core.io.Resource;

import static org.assertj.core.api.Assertions.assertThat;

class ClasspathCachingResourceLoaderTests {

	private final CountingClassLoader classLoader = new CountingClassLoader();

	private final ClasspathCachingResourceLoader loader = new ClasspathCachingResourceLoader(this.classLoader);

	@Test
	void asksTheClassLoaderOncePerPath() {
		assertThat(this.loader.getResource("classpath:/config/application.yaml").exists()).isFalse();
		assertThat(this.loader.getResource("classpath:/config/application.yaml").exists()).isFalse();
		assertThat(this.loader.getResource("classpath:config/application.yaml").exists()).isFalse();
		assertThat(this.classLoader.lookups).hasValue(1);
	}

	@Test
	void readsWhatExistsAsBefore() throws Exception {
		String path = "classpath:dev/microplatform/starter/refresh/ClasspathCachingResourceLoader.class";
		Resource resource = this.loader.getResource(path);
		assertThat(resource.exists()).isTrue();
		assertThat(resource).isInstanceOf(ClassPathResource.class).isEqualTo(new ClassPathResource(
				"dev/microplatform/starter/refresh/ClasspathCachingResourceLoader.class", this.classLoader));
		try (var content = resource.getInputStream()) {
			assertThat(content.readNBytes(4)).containsExactly(0xCA, 0xFE, 0xBA, 0xBE);
		}
		assertThat(this.loader.getResource(path).exists()).isTrue();
	}

	@Test
	void leavesOtherLocationsAlone() {
		Resource file = this.loader.getResource("file:./config/application.yaml");
		assertThat(file).isInstanceOf(FileUrlResource.class);
		assertThat(file.exists()).isFalse();
		assertThat(this.classLoader.lookups).hasValue(0);
	}

	@Test
	void theApplicationResolvesItsConfigurationWithItOnceReady() {
		SpringApplication application = new SpringApplication(RefreshingApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThat(application.getResourceLoader()).isNull();
		try (ConfigurableApplicationContext context = application.run("--spring.main.banner-mode=off", "--spring.cloud.config.enabled=false")) {
			assertThat(application.getResourceLoader()).isInstanceOf(ClasspathCachingResourceLoader.class);
			assertThat(application.getResourceLoader().getClassLoader()).isSameAs(application.getClassLoader());
		}
	}

	@Test
	void canBeTurnedOff() {
		SpringApplication application = new SpringApplication(RefreshingApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run("--spring.main.banner-mode=off", "--spring.cloud.config.enabled=false",
				"--platform.refresh.cached-classpath-lookups=false")) {
			assertThat(application.getResourceLoader()).isNull();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ PlatformRefreshAutoConfiguration.class, RefreshAutoConfiguration.class,
			ConfigurationPropertiesRebinderAutoConfiguration.class })
	@EnableConfigurationProperties
	static class RefreshingApplication {

	}

	/** Counts the look-ups a {@code classpath:} resource makes. */
	static final class CountingClassLoader extends ClassLoader {

		final AtomicInteger lookups = new AtomicInteger();

		CountingClassLoader() {
			super(ClasspathCachingResourceLoaderTests.class.getClassLoader());
		}

		@Override
		public URL getResource(String name) {
			this.lookups.incrementAndGet();
			return super.getResource(name);
		}

	}

}
