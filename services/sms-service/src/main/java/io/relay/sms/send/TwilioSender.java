package io.relay.sms.send;

import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Sends one SMS through the Twilio Java SDK and sorts Twilio's errors into permanent and transient. */
@Component
public class TwilioSender {

    private static final Logger log = LoggerFactory.getLogger(TwilioSender.class);

    /**
     * Twilio error codes that no retry will fix: invalid To (21211), To opted out (21610), not a
     * mobile / cannot receive SMS (21614, 21635, 21408 region not enabled), unreachable for good
     * (30006 landline or unreachable carrier, 30005 unknown destination).
     */
    static final Set<Integer> PERMANENT = Set.of(21211, 21408, 21610, 21614, 21635, 30005, 30006);
    /** Of those, the ones that say the number itself is bad (the customer's contact should go). */
    static final Set<Integer> BAD_NUMBER = Set.of(21211, 21614, 21635, 30005, 30006);

    private final TwilioRestClient client;

    public TwilioSender(TwilioProperties twilio) {
        if (!twilio.configured()) {
            log.warn("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN): SMS dispatches will wait");
        }
        this.client = new TwilioRestClient.Builder(
                        twilio.configured() ? twilio.accountSid() : "AC_unconfigured",
                        twilio.configured() ? twilio.authToken() : "unconfigured")
                .httpClient(new RewritingHttpClient(twilio.apiBaseUrl()))
                .build();
        log.info("sending SMS through {}", twilio);
    }

    /** Accepted by Twilio: its message sid and status (usually queued). */
    public record Sent(String sid, String status) {}

    /** Twilio refused for good (a listed code, or any 4xx but 429); {@code code} is Twilio's error code. */
    public static final class PermanentFailure extends RuntimeException {
        private final int code;

        PermanentFailure(int code, String message) {
            super("Twilio " + code + ": " + message);
            this.code = code;
        }

        public int code() {
            return code;
        }

        public boolean badNumber() {
            return BAD_NUMBER.contains(code);
        }

        public boolean optedOut() {
            return code == 21610;
        }
    }

    /** Worth retrying: 429/20429, 5xx, connection trouble, 30003-style temporary failures. */
    public static final class TransientFailure extends RuntimeException {
        private final boolean answered;

        TransientFailure(String message, Throwable cause, boolean answered) {
            super(message, cause);
            this.answered = answered;
        }

        /** Twilio answered with an error, so it did not take the message (no reconciling needed). */
        public boolean answered() {
            return answered;
        }
    }

    /**
     * A message Twilio already took for this number and body since {@code since}: how a crash between
     * Twilio's answer and our record is reconciled instead of sending again.
     */
    public java.util.Optional<Sent> alreadySent(String to, String body, java.time.ZonedDateTime since) {
        try {
            for (Message m :
                    Message.reader().setTo(new PhoneNumber(to)).limit(50).read(client)) {
                if (body.equals(m.getBody())
                        && m.getDateCreated() != null
                        && !m.getDateCreated().isBefore(since)) {
                    return java.util.Optional.of(new Sent(m.getSid(), String.valueOf(m.getStatus())));
                }
            }
            return java.util.Optional.empty();
        } catch (RuntimeException e) {
            throw new TransientFailure("could not ask Twilio what it already has: " + e.getMessage(), e, false);
        }
    }

    public Sent send(String to, String from, String body, String statusCallback) {
        MessageCreator creator = from.startsWith("MG")
                ? Message.creator(new PhoneNumber(to), from, body)
                : Message.creator(new PhoneNumber(to), new PhoneNumber(from), body);
        try {
            Message message = creator.setStatusCallback(statusCallback).create(client);
            return new Sent(
                    message.getSid(),
                    message.getStatus() == null ? null : message.getStatus().toString());
        } catch (ApiException e) {
            Integer code = e.getCode();
            Integer status = e.getStatusCode();
            boolean rateLimited = (status != null && status == 429) || (code != null && code == 20429);
            boolean clientError = status != null && status >= 400 && status < 500;
            if (code != null && (PERMANENT.contains(code) || (clientError && !rateLimited))) {
                throw new PermanentFailure(code, e.getMessage());
            }
            throw new TransientFailure(
                    "Twilio answered " + e.getStatusCode() + (code == null ? "" : " (" + code + ")") + ": "
                            + e.getMessage(),
                    e,
                    status != null);
        } catch (RuntimeException e) {
            throw new TransientFailure("Twilio could not be reached: " + e.getMessage(), e, false);
        }
    }
}
