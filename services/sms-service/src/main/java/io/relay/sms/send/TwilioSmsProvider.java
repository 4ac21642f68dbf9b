package io.relay.sms.send;

import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import io.relay.channel.ProviderMisconfigured;
import io.relay.channel.ProviderRefused;
import io.relay.channel.ProviderTrouble;
import io.relay.channel.sms.SmsProvider;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.web.WebProperties;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Twilio as the {@link SmsProvider}: the Java SDK's calls, and Twilio's errors sorted into refused and trouble. */
@Component
public class TwilioSmsProvider implements SmsProvider {

    private static final Logger log = LoggerFactory.getLogger(TwilioSmsProvider.class);

    /**
     * Twilio error codes that no retry will fix: invalid To (21211), To opted out (21610), not a
     * mobile / cannot receive SMS (21614, 21635, 21408 region not enabled), unreachable for good
     * (30006 landline or unreachable carrier, 30005 unknown destination).
     */
    static final Set<Integer> PERMANENT = Set.of(21211, 21408, 21610, 21614, 21635, 30005, 30006);
    /** Of those, the ones that say the number itself is bad (the customer's contact should go). */
    static final Set<Integer> BAD_NUMBER = Set.of(21211, 21614, 21635, 30005, 30006);

    /**
     * Twilio error codes that say our account is the problem, not the message: authentication failed
     * (20003), account not active or suspended (20005, 10001).
     */
    static final Set<Integer> OUR_ACCOUNT = Set.of(20003, 20005, 10001);

    private final TwilioRestClient client;
    private final TwilioProperties twilio;
    private final String publicBaseUrl;

    public TwilioSmsProvider(TwilioProperties twilio, WebProperties web) {
        if (!twilio.configured()) {
            log.warn("Twilio is not configured (twilio.account-sid, twilio.auth-token): SMS dispatches will wait");
        }
        this.client = new TwilioRestClient.Builder(
                        twilio.configured() ? twilio.accountSid() : "AC_unconfigured",
                        twilio.configured() ? twilio.authToken() : "unconfigured")
                .httpClient(new RewritingHttpClient(twilio.apiBaseUrl()))
                .build();
        this.twilio = twilio;
        this.publicBaseUrl = web.publicBaseUrl();
        log.info("sending SMS through {}", twilio);
    }

    @Override
    public String name() {
        return "twilio";
    }

    @Override
    public String defaultSender() {
        return twilio.from();
    }

    @Override
    public String send(Sms sms) {
        String from = sms.from() != null ? sms.from() : twilio.from();
        if (from == null || from.isBlank()) {
            throw new IllegalStateException("no sender: set twilio.from (or the tenant's smsFrom)");
        }
        MessageCreator creator = from.startsWith("MG")
                ? Message.creator(new PhoneNumber(sms.to()), from, sms.body())
                : Message.creator(new PhoneNumber(sms.to()), new PhoneNumber(from), sms.body());
        try {
            return creator.setStatusCallback(statusCallback(sms)).create(client).getSid();
        } catch (ApiException e) {
            Integer code = e.getCode();
            Integer status = e.getStatusCode();
            boolean rateLimited = (status != null && status == 429) || (code != null && code == 20429);
            boolean clientError = status != null && status >= 400 && status < 500;
            if ((status != null && status == 401) || (code != null && OUR_ACCOUNT.contains(code))) {
                throw new ProviderMisconfigured(
                        code == null ? "401" : Integer.toString(code),
                        "Twilio refuses our account: " + status + (code == null ? "" : " (" + code + ")"),
                        e);
            }
            if (code != null && (PERMANENT.contains(code) || (clientError && !rateLimited))) {
                ContactEvent.Kind effect = code == 21610
                        ? ContactEvent.Kind.SMS_OPT_OUT
                        : BAD_NUMBER.contains(code) ? ContactEvent.Kind.PHONE_INVALID : null;
                throw new ProviderRefused(Integer.toString(code), "Twilio " + code + ": " + e.getMessage(), effect);
            }
            String message =
                    "Twilio answered " + status + (code == null ? "" : " (" + code + ")") + ": " + e.getMessage();
            throw status != null ? ProviderTrouble.answered(message, e, null) : ProviderTrouble.unanswered(message, e);
        } catch (RuntimeException e) {
            throw ProviderTrouble.unanswered("Twilio could not be reached: " + e.getMessage(), e);
        }
    }

    /** Asks Twilio's message list for this number: how a crash between its answer and our record is reconciled. */
    @Override
    public Optional<String> alreadySent(Sms sms, Instant since) {
        try {
            for (Message m :
                    Message.reader().setTo(new PhoneNumber(sms.to())).limit(50).read(client)) {
                if (sms.body().equals(m.getBody())
                        && m.getDateCreated() != null
                        && !m.getDateCreated().isBefore(since.atZone(ZoneOffset.UTC))) {
                    return Optional.of(m.getSid());
                }
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            throw ProviderTrouble.answered("could not ask Twilio what it already has: " + e.getMessage(), e, null);
        }
    }

    @Override
    public Optional<StatusReport> parseStatus(Map<String, String> posted) {
        String twilioStatus = posted.getOrDefault("MessageStatus", "");
        DeliveryEvent.Status status = switch (twilioStatus) {
            case "sent" -> DeliveryEvent.Status.SENT;
            case "delivered" -> DeliveryEvent.Status.DELIVERED;
            case "undelivered", "failed" -> DeliveryEvent.Status.FAILED;
            default -> null; // queued, sending, accepted...: nothing for the timeline
        };
        return Optional.ofNullable(status)
                .map(s -> new StatusReport(
                        posted.get("MessageSid"),
                        s,
                        posted.get("ErrorCode"),
                        s == DeliveryEvent.Status.FAILED ? "Twilio reports " + twilioStatus : null));
    }

    private String statusCallback(Sms sms) {
        return publicBaseUrl + "/webhooks/twilio/status?m=" + URLEncoder.encode(sms.messageId(), StandardCharsets.UTF_8)
                + "&t=" + URLEncoder.encode(sms.tenantId(), StandardCharsets.UTF_8);
    }
}
