package io.relay.preference.suppress;

import io.relay.contracts.Channel;
import io.relay.preference.change.Changes;
import io.relay.web.FieldViolation;
import io.relay.web.InvalidRequestException;
import io.relay.web.NotFoundException;
import io.relay.web.RequestContextFilter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tenant's suppression list over the API: {@code GET /v1/suppressions} lists what is suppressed
 * now (optionally one channel, one address), {@code PUT /v1/suppressions/{channel}/{address}} with
 * {@code {"reason": …}} adds one, {@code DELETE /v1/suppressions/{channel}/{address}} with
 * {@code {"evidence": …}} lifts one, recorded with the evidence and the API key that acted. Lifting
 * is the business's positive act: the customer asked again, in a way the business can show.
 */
@RestController
public class SuppressionController {

    static final int MAX_LIMIT = 1000;
    static final int MAX_EVIDENCE = 2000;

    /** One suppressed address as listed. {@code address} is null when only its hash is kept (erasure). */
    public record Suppression(
            String channel, String address, String scope, String reason, String source, Instant since) {

        static Suppression of(SuppressionList.SuppressionChange change) {
            return new Suppression(
                    change.channel(), change.address(), change.scope(), change.reason(), change.source(), change.at());
        }
    }

    public record SuppressionPage(List<Suppression> suppressions, String next) {}

    public record LiftRequest(String evidence) {}

    /** {@code scope}: {@code all} (the default) or {@code marketing}. */
    public record SuppressRequest(String reason, String scope) {}

    private final SuppressionList list;
    private final Changes changes;
    private final Clock clock;

    public SuppressionController(SuppressionList list, Changes changes, Clock clock) {
        this.list = list;
        this.changes = changes;
        this.clock = clock;
    }

    @GetMapping("/v1/suppressions")
    public SuppressionPage list(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @RequestParam(required = false) String channel,
            @RequestParam(required = false) String address,
            @RequestParam(name = "limit", required = false) String limitValue,
            @RequestParam(name = "after", required = false) String afterValue,
            jakarta.servlet.http.HttpServletRequest request) {
        List<FieldViolation> violations = new ArrayList<>();
        for (String name : request.getParameterMap().keySet()) {
            if (!List.of("channel", "address", "limit", "after").contains(name)) {
                violations.add(
                        new FieldViolation(name, "not a parameter of this list: channel, address, limit, after"));
            }
        }
        if (channel != null && !Channel.WIRE_NAMES.contains(channel)) {
            violations.add(new FieldViolation("channel", "one of " + Channel.WIRE_NAMES));
        }
        if (address != null && channel == null) {
            violations.add(new FieldViolation("address", "needs channel: an address is one channel's"));
        }
        if (address != null && (address.isBlank() || address.length() > 4096)) {
            violations.add(new FieldViolation("address", "1 to 4096 characters"));
        }
        int limit = limit(limitValue, violations);
        String after = after(afterValue, violations);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        List<SuppressionList.Entry> entries = list.current(tenantId, channel, address, after, limit + 1);
        List<Suppression> page = entries.stream()
                .limit(limit)
                .map(e -> Suppression.of(e.change()))
                .toList();
        String next = entries.size() > limit ? cursor(entries.get(limit - 1).cursor()) : null;
        return new SuppressionPage(page, next);
    }

    /** The business puts an address on the list itself (its own records of a "no", an import). */
    @PutMapping("/v1/suppressions/{channel}/{address}")
    public ResponseEntity<Suppression> suppress(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @RequestHeader(value = RequestContextFilter.KEY_ID, required = false) String keyId,
            @PathVariable String channel,
            @PathVariable String address,
            @RequestBody(required = false) SuppressRequest request) {
        String reason = request == null ? null : request.reason();
        String scope = request == null || request.scope() == null ? SuppressionList.ALL : request.scope();
        List<FieldViolation> violations =
                checked(channel, "reason", reason, "required: why this address may not be used");
        if (address.isBlank() || address.length() > 4096) {
            violations.add(new FieldViolation("address", "1 to 4096 characters"));
        }
        if (!List.of(SuppressionList.ALL, SuppressionList.MARKETING).contains(scope)) {
            violations.add(new FieldViolation("scope", "all (the default) or marketing"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        Instant now = clock.instant();
        boolean added = list.suppress(
                tenantId,
                channel,
                address,
                scope,
                new SuppressionList.Act("business-api", reason.strip(), null, keyId),
                now);
        changes.suppressions(tenantId);
        SuppressionList.SuppressionChange current = list.current(tenantId, channel, address, null, 2).stream()
                .map(SuppressionList.Entry::change)
                .filter(change -> change.scope().equals(scope))
                .findFirst()
                .orElseThrow();
        return ResponseEntity.status(added ? 201 : 200).body(Suppression.of(current));
    }

    @DeleteMapping("/v1/suppressions/{channel}/{address}")
    public ResponseEntity<Void> lift(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @RequestHeader(value = RequestContextFilter.KEY_ID, required = false) String keyId,
            @PathVariable String channel,
            @PathVariable String address,
            @RequestBody(required = false) LiftRequest request) {
        String evidence = request == null ? null : request.evidence();
        List<FieldViolation> violations = checked(
                channel,
                "evidence",
                evidence,
                "required: how the customer asked to be reachable again (a lift is a positive act)");
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        SuppressionList.Act act =
                new SuppressionList.Act("business-api", "lifted by the business", evidence.strip(), keyId);
        if (!list.lift(tenantId, channel, address, act, clock.instant())) {
            throw new NotFoundException(channel + " address on the suppression list");
        }
        changes.suppressions(tenantId);
        return ResponseEntity.noContent().build();
    }

    /** The channel, and one required text of the body ({@code reason}, {@code evidence}): what is wrong. */
    private static List<FieldViolation> checked(String channel, String field, String text, String whenMissing) {
        List<FieldViolation> violations = new ArrayList<>();
        if (!Channel.WIRE_NAMES.contains(channel)) {
            violations.add(new FieldViolation("channel", "one of " + Channel.WIRE_NAMES));
        }
        if (text == null || text.isBlank()) {
            violations.add(new FieldViolation(field, whenMissing));
        } else if (text.length() > MAX_EVIDENCE) {
            violations.add(new FieldViolation(field, "at most " + MAX_EVIDENCE + " characters"));
        }
        return violations;
    }

    private static int limit(String value, List<FieldViolation> violations) {
        if (value == null) {
            return 100;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        violations.add(new FieldViolation("limit", "a whole number from 1 to " + MAX_LIMIT));
        return 0;
    }

    private static String cursor(String position) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(position.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String after(String cursor, List<FieldViolation> violations) {
        if (cursor == null) {
            return null;
        }
        try {
            String position =
                    new String(Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
            if (position.matches("(email|sms|push):[0-9a-f]{64}:(all|marketing)")) {
                return position;
            }
        } catch (IllegalArgumentException e) {
            // named below
        }
        violations.add(new FieldViolation("after", "a cursor from an earlier page's next"));
        return null;
    }
}
