package io.relay.routing.template;

import io.relay.web.FieldViolation;
import io.relay.web.InvalidRequestException;
import io.relay.web.NotFoundException;
import io.relay.web.RequestContextFilter;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/templates/{id}}. */
@RestController
public class TemplateController {

    private static final Pattern ID = Pattern.compile("(?!\\.\\.?$)[A-Za-z0-9._-]{1,128}");

    private final TemplateStore store;
    private final Clock clock;

    public TemplateController(TemplateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @PutMapping("/v1/templates/{id}")
    public ResponseEntity<Template> put(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @PathVariable String id,
            @RequestBody Template template) {
        List<FieldViolation> violations = new java.util.ArrayList<>(TemplateRenderer.violations(template));
        if (!ID.matcher(id).matches()) {
            violations.addFirst(new FieldViolation("id", "must be 1-128 letters, digits or ._-"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        boolean created = store.upsert(tenantId, id, template, clock.instant());
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                .body(template);
    }

    @GetMapping("/v1/templates/{id}")
    public Template get(@RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String id) {
        return store.find(tenantId, id).orElseThrow(() -> new NotFoundException("template " + id));
    }
}
