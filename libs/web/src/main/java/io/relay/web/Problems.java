package io.relay.web;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** RFC 9457 answers in the shape api.md fixes: type, title, status, detail, and errors for validation. */
public final class Problems {

    public static final String TYPE_BASE = "https://relay.example/problems/";

    private Problems() {}

    public static ResponseEntity<ProblemDetail> of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + type));
        problem.setTitle(title);
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** The same answer as JSON text, for a handler whose other answers are not JSON (TwiML, HTML). */
    public static ResponseEntity<String> asText(HttpStatus status, String type, String title, String detail) {
        java.util.Map<String, Object> problem = new java.util.LinkedHashMap<>();
        problem.put("type", TYPE_BASE + type);
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(tools.jackson.databind.json.JsonMapper.shared().writeValueAsString(problem));
    }

    public static ResponseEntity<ProblemDetail> invalid(List<FieldViolation> violations) {
        ResponseEntity<ProblemDetail> response = of(
                HttpStatus.BAD_REQUEST,
                "validation",
                "The request is not valid",
                violations.size() == 1
                        ? violations.getFirst().field() + ": "
                                + violations.getFirst().message()
                        : violations.size() + " fields are not valid");
        response.getBody().setProperty("errors", violations);
        return response;
    }
}
