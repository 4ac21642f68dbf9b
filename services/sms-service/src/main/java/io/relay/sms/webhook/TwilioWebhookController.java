package io.relay.sms.webhook;

import com.twilio.security.RequestValidator;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.sms.send.TwilioProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.HtmlUtils;

/**
 * Twilio's webhooks. Every request must carry a valid X-Twilio-Signature for the URL as Twilio saw it
 * (PUBLIC_BASE_URL plus path and query) and the posted parameters; otherwise 403 and nothing changes.
 */
@RestController
public class TwilioWebhookController {

    private static final Logger log = LoggerFactory.getLogger(TwilioWebhookController.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    static final Set<String> STOP = Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT");
    static final Set<String> START = Set.of("START", "YES", "UNSTOP");
    static final Set<String> HELP = Set.of("HELP", "INFO");
    private static final String TWIML = "application/xml";

    private final RequestValidator validator;
    private final TwilioProperties twilio;
    private final ConfirmingPublisher publisher;
    private final SenderTenants senderTenants;
    private final Clock clock;
    private final String publicBaseUrl;

    public TwilioWebhookController(
            TwilioProperties twilio,
            ConfirmingPublisher publisher,
            SenderTenants senderTenants,
            Clock clock,
            @Value("${relay.public-base-url}") String publicBaseUrl) {
        // without an auth token nothing can be verified, so every webhook is refused
        this.validator = twilio.configured() ? new RequestValidator(twilio.authToken()) : null;
        this.twilio = twilio;
        this.publisher = publisher;
        this.senderTenants = senderTenants;
        this.clock = clock;
        this.publicBaseUrl =
                publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
    }

    @PostMapping(value = "/webhooks/twilio/status", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public ResponseEntity<String> status(
            HttpServletRequest request,
            @RequestHeader(value = "X-Twilio-Signature", required = false) String signature) {
        Map<String, String> posted = postedParameters(request);
        if (!genuine(request, posted, signature)) {
            return forbidden();
        }
        String messageId = request.getParameter("m");
        String tenantId = request.getParameter("t");
        String twilioStatus = posted.getOrDefault("MessageStatus", "");
        DeliveryEvent.Status status = switch (twilioStatus) {
            case "sent" -> DeliveryEvent.Status.SENT;
            case "delivered" -> DeliveryEvent.Status.DELIVERED;
            case "undelivered", "failed" -> DeliveryEvent.Status.FAILED;
            default -> null; // queued, sending, accepted...: nothing for the timeline
        };
        if (status != null && messageId != null && tenantId != null) {
            String code = posted.get("ErrorCode");
            DeliveryEvent event = new DeliveryEvent(
                    messageId,
                    "sms",
                    status,
                    posted.get("MessageSid"),
                    code,
                    status == DeliveryEvent.Status.FAILED ? "Twilio reports " + twilioStatus : null,
                    clock.instant());
            publisher.publishAndWait(
                    Topology.EVENTS_EXCHANGE,
                    Topology.deliveryKey("sms", status.wireName()),
                    Envelope.of(messageId, tenantId, event, null, clock.instant()),
                    CONFIRM_TIMEOUT);
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping(value = "/webhooks/twilio/inbound", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public ResponseEntity<String> inbound(
            HttpServletRequest request,
            @RequestHeader(value = "X-Twilio-Signature", required = false) String signature) {
        Map<String, String> posted = postedParameters(request);
        if (!genuine(request, posted, signature)) {
            return forbidden();
        }
        String keyword = posted.getOrDefault("Body", "").strip().toUpperCase(Locale.ROOT);
        String from = posted.get("From");
        String to = posted.get("To");
        ContactEvent.Kind kind = STOP.contains(keyword)
                ? ContactEvent.Kind.SMS_OPT_OUT
                : START.contains(keyword) ? ContactEvent.Kind.SMS_OPT_IN : null;
        if (kind != null && from != null && to != null) {
            List<String> tenants;
            try {
                tenants = senderTenants.of(to, posted.get("MessagingServiceSid"));
            } catch (RestClientException e) {
                // not a 2xx: Twilio reports the failed webhook, and the opt-out is not silently lost
                log.error("inbound {} to {}: cannot ask the gateway which tenants send from it", keyword, to, e);
                return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body("{\"type\":\"https://relay.example/problems/unavailable\",\"title\":\"Unavailable\","
                                + "\"status\":503,\"detail\":\"the sender map cannot be read; retry\"}");
            }
            // every tenant that sends from this number hears it
            for (String tenantId : tenants) {
                ContactEvent event = new ContactEvent(kind, from, keyword, "inbound SMS to " + to, clock.instant());
                publisher.publishAndWait(
                        Topology.EVENTS_EXCHANGE,
                        Topology.contactKey(kind),
                        Envelope.of("in_" + UUID.randomUUID(), tenantId, event, null, clock.instant()),
                        CONFIRM_TIMEOUT);
            }
            log.info("inbound {} from a customer to {}", keyword, to);
        }
        String reply = HELP.contains(keyword)
                ? "<Response><Message>" + HtmlUtils.htmlEscape(twilio.helpText()) + "</Message></Response>"
                : "<Response/>";
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(TWIML)).body(reply);
    }

    private boolean genuine(HttpServletRequest request, Map<String, String> posted, String signature) {
        if (signature == null || validator == null) {
            return false;
        }
        String url = publicBaseUrl
                + request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        return validator.validate(url, posted, signature);
    }

    /** The form body's parameters only: Twilio signs the URL (query included) and the posted fields. */
    private static Map<String, String> postedParameters(HttpServletRequest request) {
        Set<String> inQuery = new HashSet<>();
        if (request.getQueryString() != null) {
            for (String pair : request.getQueryString().split("&")) {
                inQuery.add(URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8));
            }
        }
        Map<String, String> posted = new HashMap<>();
        request.getParameterMap().forEach((name, values) -> {
            if (!inQuery.contains(name) && values.length > 0) {
                posted.put(name, values[0]);
            }
        });
        return posted;
    }

    private static ResponseEntity<String> forbidden() {
        return ResponseEntity.status(HttpStatus.FORBIDDEN)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body("{\"type\":\"https://relay.example/problems/forbidden\",\"title\":\"Forbidden\",\"status\":403,"
                        + "\"detail\":\"the X-Twilio-Signature does not match this request\"}");
    }
}
