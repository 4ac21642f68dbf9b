package io.relay.preference.resolve;

import io.relay.web.FieldViolation;
import io.relay.web.InvalidRequestException;
import io.relay.web.NotFoundException;
import io.relay.web.RequestContextFilter;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Internal read API for routing-service: one call, everything needed to decide. Not routed by the
 * gateway.
 */
@RestController
public class ResolveController {

    /** More questions than this in one call is a 400: a batch of due messages is 500. */
    static final int MAX_QUESTIONS = 1000;

    private final ResolveService resolver;
    private final tools.jackson.databind.json.JsonMapper json;

    public ResolveController(ResolveService resolver, tools.jackson.databind.json.JsonMapper json) {
        this.resolver = resolver;
        this.json = json;
    }

    public record Question(String customerId, String category) {}

    public record Questions(List<Question> questions) {}

    /**
     * Many customers' choices in one call (the scheduler's batch of due messages): the answers in the
     * order asked, each {@code {"choices": …}} as the one-customer call gives, or {@code {"unknown":
     * "<why>"}} where that call would be a 404 (no such customer or category in this tenant).
     */
    @PostMapping(value = "/internal/v1/resolved", produces = MediaType.APPLICATION_JSON_VALUE)
    public String resolvedMany(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @RequestBody Questions body) {
        List<FieldViolation> violations = new ArrayList<>();
        List<Question> questions = body == null || body.questions() == null ? List.of() : body.questions();
        if (body == null || body.questions() == null || questions.size() > MAX_QUESTIONS) {
            violations.add(new FieldViolation("questions", "1 to " + MAX_QUESTIONS + " questions"));
        }
        for (int i = 0; i < questions.size(); i++) {
            Question q = questions.get(i);
            if (q == null || q.customerId() == null || q.customerId().isBlank()) {
                violations.add(new FieldViolation("questions[" + i + "].customerId", "required"));
            }
            if (q == null || q.category() == null || q.category().isBlank()) {
                violations.add(new FieldViolation("questions[" + i + "].category", "required"));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        StringBuilder answers = new StringBuilder("{\"answers\":[");
        for (int i = 0; i < questions.size(); i++) {
            Question q = questions.get(i);
            answers.append(i == 0 ? "" : ",");
            String answer;
            try {
                answer = "{\"choices\":" + resolver.resolveJson(tenantId, q.customerId(), q.category()) + "}";
            } catch (NotFoundException e) {
                answer = "{\"unknown\":" + json.writeValueAsString(e.getMessage()) + "}";
            }
            answers.append(answer);
        }
        return answers.append("]}").toString();
    }

    @GetMapping(value = "/internal/v1/customers/{customerId}/resolved", produces = MediaType.APPLICATION_JSON_VALUE)
    public String resolved(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @PathVariable String customerId,
            @RequestParam String category) {
        return resolver.resolveJson(tenantId, customerId, category);
    }
}
