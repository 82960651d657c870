package dev.microplatform.starter.web;

import java.net.URI;
import java.util.List;

import dev.microplatform.starter.problem.ProblemTypes;

import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns validation failures into {@code application/problem+json} with a stable type and an
 * {@code errors} list of {@code {field, message}}, so clients can tell which input was wrong.
 */
@ControllerAdvice
public class FieldProblemDetailsExceptionHandler extends ResponseEntityExceptionHandler {

	/** Problem type of every invalid-request answer. */
	public static final URI INVALID_REQUEST = ProblemTypes.INVALID_REQUEST;

	/** One input the request got wrong. */
	public record FieldError(String field, String message) {
	}

	@Override
	protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		return invalid(ex, headers, request,
				List.of(new FieldError(ex.getParameterName(), "is required")));
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldError> errors = ex.getParameterValidationResults()
			.stream()
			.flatMap((result) -> result.getResolvableErrors()
				.stream()
				.map((error) -> new FieldError(parameterName(result.getMethodParameter()), message(error))))
			.toList();
		return invalid(ex, headers, request, errors);
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldError> errors = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.map((error) -> new FieldError(error.getField(), message(error)))
			.toList();
		return invalid(ex, headers, request, errors);
	}

	private ResponseEntity<Object> invalid(Exception ex, HttpHeaders headers, WebRequest request,
			List<FieldError> errors) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, describe(errors));
		problem.setType(INVALID_REQUEST);
		problem.setTitle("Invalid request");
		problem.setProperty("errors", errors);
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
	}

	private static String describe(List<FieldError> errors) {
		return errors.stream()
			.map((error) -> "'" + error.field() + "' " + error.message())
			.distinct()
			.reduce((left, right) -> left + "; " + right)
			.orElse("The request is invalid.");
	}

	private static String parameterName(MethodParameter parameter) {
		RequestParam requestParam = parameter.getParameterAnnotation(RequestParam.class);
		if (requestParam != null && !requestParam.name().isEmpty()) {
			return requestParam.name();
		}
		return parameter.getParameterName();
	}

	private static String message(MessageSourceResolvable error) {
		return (error.getDefaultMessage() != null) ? error.getDefaultMessage() : "is invalid";
	}

}
