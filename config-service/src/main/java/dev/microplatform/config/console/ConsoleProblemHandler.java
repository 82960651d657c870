package dev.microplatform.config.console;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the console's API as {@code application/problem+json}: ours with their own type,
 * Spring MVC's own (unreadable body, wrong method) through {@link ResponseEntityExceptionHandler}.
 * Only for the console: the Config Server's endpoints keep their established error bodies.
 */
@RestControllerAdvice(assignableTypes = ConsoleApiController.class)
class ConsoleProblemHandler extends ResponseEntityExceptionHandler {

	private static final Log log = LogFactory.getLog(ConsoleProblemHandler.class);

	@ExceptionHandler(ConsoleProblemException.class)
	ResponseEntity<ProblemDetail> refused(ConsoleProblemException ex) {
		log.info("Console refused a request: " + ex.getMessage());
		return ResponseEntity.status(ex.status()).body(ex.toProblemDetail());
	}

}
