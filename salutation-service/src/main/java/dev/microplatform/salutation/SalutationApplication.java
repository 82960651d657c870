package dev.microplatform.salutation;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class SalutationApplication {

	public static void main(String[] args) {
		SpringApplication.run(SalutationApplication.class, args);
	}

}
