package io.relay.routing.webhook;

import io.relay.web.InvalidRequestException;
import io.relay.web.RequestContextFilter;
import java.time.Clock;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateway tells routing of a tenant's webhook change as it happens, so status changes of messages
 * already accepted go to the new URL (or nowhere) without waiting for the tenant's next message. The
 * tenant comes as everywhere from {@code X-Tenant-Id} with the gateway's internal token; the gateway
 * does not route {@code /internal/**} from outside.
 */
@RestController
public class TenantWebhookController {

    private static final Pattern HTTP_URL = Pattern.compile("https?://\\S{1,2000}");

    private final TenantWebhooks webhooks;
    private final Clock clock;

    public TenantWebhookController(TenantWebhooks webhooks, Clock clock) {
        this.webhooks = webhooks;
        this.clock = clock;
    }

    /** {@code url} and {@code secret} empty: the tenant has no webhook any more. */
    public record WebhookChange(String url, String secret, Long version) {}

    @PutMapping("/internal/webhook")
    public ResponseEntity<Void> changed(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @RequestBody WebhookChange change) {
        if (change.version() == null || change.version() < 1) {
            throw new InvalidRequestException("version", "is required, the tenant's settings version (1 or more)");
        }
        boolean cleared = change.url() == null || change.url().isEmpty();
        if (!cleared && !HTTP_URL.matcher(change.url()).matches()) {
            throw new InvalidRequestException("url", "must be an absolute http(s) URL, or empty for none");
        }
        if (!cleared && (change.secret() == null || change.secret().isBlank())) {
            throw new InvalidRequestException("secret", "is required with a url");
        }
        webhooks.remember(tenantId, change.url(), change.secret(), change.version(), clock.instant());
        return ResponseEntity.noContent().build();
    }
}
