package io.relay.sms.webhook;

import com.twilio.security.RequestValidator;
import io.relay.channel.ChannelEvents;
import io.relay.channel.sms.SmsInbound;
import io.relay.channel.sms.SmsKeywords;
import io.relay.channel.sms.SmsProvider;
import io.relay.sms.send.TwilioProperties;
import io.relay.web.Problems;
import io.relay.web.WebProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * The signature is checked with the auth token of the account the webhook is for (its {@code AccountSid}):
 * the platform's, or that of the tenants who connected that account, and then the webhook concerns those
 * tenants only ({@link WebhookAccounts}).
 */
@RestController
public class TwilioWebhookController {

    private static final Logger log = LoggerFactory.getLogger(TwilioWebhookController.class);
    private static final String TWIML = "application/xml";

    private final RequestValidator validator;
    private final WebhookAccounts tenantAccounts;
    private final TwilioProperties twilio;
    private final ChannelEvents events;
    private final SmsProvider twilioSms;
    private final SmsInbound inbound;
    private final String publicBaseUrl;

    public TwilioWebhookController(
            TwilioProperties twilio,
            ChannelEvents events,
            SmsProvider twilioSms,
            SmsInbound inbound,
            WebhookAccounts tenantAccounts,
            WebProperties web) {
        // without an auth token nothing can be verified, so every webhook is refused
        this.validator = twilio.configured() ? new RequestValidator(twilio.authToken()) : null;
        this.tenantAccounts = tenantAccounts;
        this.twilio = twilio;
        this.events = events;
        this.twilioSms = twilioSms;
        this.inbound = inbound;
        this.publicBaseUrl = web.publicBase();
    }

    @PostMapping(value = "/webhooks/twilio/status", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public ResponseEntity<String> status(
            HttpServletRequest request,
            @RequestHeader(value = "X-Twilio-Signature", required = false) String signature) {
        Map<String, String> posted = postedParameters(request);
        Signed signed = signedBy(request, posted, signature);
        if (signed == null) {
            return forbidden();
        }
        String messageId = request.getParameter("m");
        String tenantId = request.getParameter("t");
        if (messageId != null && tenantId != null && signed.concerns(tenantId)) {
            twilioSms
                    .parseStatus(posted)
                    .ifPresent(report -> events.publish(
                            tenantId,
                            null,
                            events.delivery(
                                    messageId, report.status(), report.providerId(), report.code(), report.reason())));
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping(value = "/webhooks/twilio/inbound", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public ResponseEntity<String> inbound(
            HttpServletRequest request,
            @RequestHeader(value = "X-Twilio-Signature", required = false) String signature) {
        Map<String, String> posted = postedParameters(request);
        Signed signed = signedBy(request, posted, signature);
        if (signed == null) {
            return forbidden();
        }
        String keyword;
        try {
            keyword = signed.platform()
                    ? inbound.receive(
                            posted.get("From"), posted.get("To"), posted.get("MessagingServiceSid"), posted.get("Body"))
                    : inbound.receiveFor(signed.tenants(), posted.get("From"), posted.get("To"), posted.get("Body"));
        } catch (RestClientException e) {
            // not a 2xx: Twilio reports the failed webhook, and the opt-out is not silently lost
            log.error("inbound SMS to {}: cannot ask the gateway which tenants send from it", posted.get("To"), e);
            return Problems.asText(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Unavailable",
                    "the sender map cannot be read; retry");
        }
        String reply = SmsKeywords.help(keyword)
                ? "<Response><Message>" + HtmlUtils.htmlEscape(twilio.helpText()) + "</Message></Response>"
                : "<Response/>";
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(TWIML)).body(reply);
    }

    /** Whose account signed it: the platform's, or these tenants' own. */
    private record Signed(boolean platform, List<String> tenants) {
        boolean concerns(String tenantId) {
            return platform || tenants.contains(tenantId);
        }
    }

    /** Who signed the request, or null when no account it may be for did. */
    private Signed signedBy(HttpServletRequest request, Map<String, String> posted, String signature) {
        if (signature == null) {
            return null;
        }
        String url = publicBaseUrl
                + request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        String accountSid = posted.get("AccountSid");
        if (accountSid == null || accountSid.equals(twilio.accountSid())) {
            return validator != null && validator.validate(url, posted, signature) ? new Signed(true, List.of()) : null;
        }
        List<String> tenants = tenantAccounts.signedBy(accountSid, url, posted, signature);
        return tenants.isEmpty() ? null : new Signed(false, tenants);
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
        return Problems.asText(
                HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "the X-Twilio-Signature does not match this request");
    }
}
