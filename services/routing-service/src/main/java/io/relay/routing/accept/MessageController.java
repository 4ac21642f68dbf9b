package io.relay.routing.accept;

import io.relay.routing.timeline.MessageStore;
import io.relay.routing.timeline.MessageView;
import io.relay.web.NotFoundException;
import io.relay.web.Problems;
import io.relay.web.RequestContextFilter;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/messages}: accept a message, read its status and timeline. */
@RestController
public class MessageController {

    private final AcceptService accept;
    private final MessageStore store;

    public MessageController(AcceptService accept, MessageStore store) {
        this.accept = accept;
        this.store = store;
    }

    @PostMapping("/v1/messages")
    public ResponseEntity<Map<String, String>> post(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @RequestHeader(value = "traceparent", required = false) String traceparent,
            @RequestBody MessageRequest request) {
        String id = accept.accept(tenantId, request, traceparent);
        return ResponseEntity.accepted()
                .location(URI.create("/v1/messages/" + id))
                .body(Map.of("id", id, "status", "accepted"));
    }

    @GetMapping("/v1/messages/{id}")
    public MessageView get(@RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String id) {
        return store.find(tenantId, id)
                .map(m -> MessageView.of(m, store.timeline(tenantId, id)))
                .orElseThrow(() -> new NotFoundException("message " + id));
    }

    @GetMapping("/v1/messages")
    public List<MessageView> list(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @RequestParam String customerId) {
        return store.recentForCustomer(tenantId, customerId, 50).stream()
                .map(m -> MessageView.of(m, store.timeline(tenantId, m.id())))
                .toList();
    }

    @ExceptionHandler(AcceptService.BrokerUnavailableException.class)
    ResponseEntity<ProblemDetail> brokerUnavailable(AcceptService.BrokerUnavailableException e) {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Not accepted", e.getMessage());
    }
}
