package io.relay.gateway.edge;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** The gateway's own handlers' refusals (the operator API, /v1/providers): RFC 9457 problem details. */
public final class Answers {

    private Answers() {}

    /** One thing wrong with a request, named by its JSON path ({@code config.accountSid}). */
    public record FieldError(String field, String message) {}

    /** 400, naming every field that is wrong. */
    public static ResponseEntity<Object> invalid(List<FieldError> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST,
                errors.size() == 1
                        ? errors.getFirst().field() + ": " + errors.getFirst().message()
                        : errors.size() + " fields are not valid");
        problem.setType(URI.create("https://relay.example/problems/validation"));
        problem.setTitle("The request is not valid");
        problem.setProperty("errors", errors);
        return ResponseEntity.badRequest()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    public static ResponseEntity<Object> notFound(String what) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", what + " not found");
    }

    public static ResponseEntity<Object> problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://relay.example/problems/" + type));
        problem.setTitle(title);
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
