package io.relay.preference.category;

import io.relay.preference.change.Changes;
import io.relay.web.FieldViolation;
import io.relay.web.InvalidRequestException;
import io.relay.web.NotFoundException;
import io.relay.web.RequestContextFilter;
import java.time.Clock;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/categories}: the kinds of message a tenant sends and their rules. */
@RestController
public class CategoryController {

    private final CategoryStore store;
    private final Changes changes;
    private final Clock clock;

    public CategoryController(CategoryStore store, Changes changes, Clock clock) {
        this.store = store;
        this.changes = changes;
        this.clock = clock;
    }

    @PutMapping("/v1/categories/{category}")
    public ResponseEntity<Category> put(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @PathVariable String category,
            @RequestBody CategoryRequest request) {
        List<FieldViolation> violations = CategoryValidator.violations(category, request);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        Category stored = new Category(
                category,
                request.description(),
                request.kind(),
                List.copyOf(request.defaultChannels()),
                Boolean.TRUE.equals(request.urgentAllowed()),
                request.frequencyCap());
        boolean created = store.upsert(tenantId, stored, clock.instant());
        changes.categories(tenantId);
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                .body(stored);
    }

    @GetMapping("/v1/categories/{category}")
    public Category get(@RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String category) {
        return store.find(tenantId, category).orElseThrow(() -> new NotFoundException("category " + category));
    }

    @GetMapping("/v1/categories")
    public List<Category> list(@RequestHeader(RequestContextFilter.TENANT) String tenantId) {
        return store.list(tenantId);
    }
}
