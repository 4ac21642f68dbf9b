package io.relay.sms.send;

import com.twilio.exception.ApiException;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import io.relay.channel.ProviderMisconfigured;
import io.relay.channel.ProviderRefused;
import io.relay.channel.ProviderTrouble;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.channel.sms.SmsProvider;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.web.WebProperties;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Twilio account as an {@link SmsProvider}: the Java SDK's calls, and Twilio's errors sorted into refused
 * and trouble. The platform's own account ({@link TwilioConfiguration}) and each tenant's own
 * ({@link #forTenant}) are instances of it, all sharing one HTTP connection pool.
 */
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

    /**
     * Twilio error codes that are about this account, not the message: a sender it does not own or that
     * cannot send SMS (21212, 21606, 21659), an unverified number on a trial account (21608), a region it
     * may not text (21408), its Messaging Service (21703, 21704, 21705). Another of the tenant's accounts may
     * take the message; the last account's refusal is final.
     */
    static final Set<Integer> THIS_ACCOUNT = Set.of(21212, 21408, 21606, 21608, 21659, 21703, 21704, 21705);

    private final TwilioRestClient client;
    private final String defaultSender;
    private final Set<String> ownSenders;
    private final String publicBaseUrl;

    /**
     * @param defaultSender the account's sender when the dispatch names none of {@code ownSenders}
     * @param ownSenders the senders a dispatch may choose (any, for the platform's: null)
     */
    TwilioSmsProvider(TwilioRestClient client, String defaultSender, Set<String> ownSenders, String publicBaseUrl) {
        this.client = client;
        this.defaultSender = defaultSender;
        this.ownSenders = ownSenders;
        this.publicBaseUrl = publicBaseUrl;
    }

    /** The platform's own account (TWILIO_*): any tenant's smsFrom may be sent from it. */
    static TwilioSmsProvider platform(TwilioProperties twilio, WebProperties web, NetworkHttpClient http) {
        if (!twilio.configured()) {
            log.warn("Twilio is not configured (twilio.account-sid, twilio.auth-token): SMS dispatches will wait");
        }
        log.info("sending SMS through {}", twilio);
        return new TwilioSmsProvider(
                new TwilioRestClient.Builder(
                                twilio.configured() ? twilio.accountSid() : "AC_unconfigured",
                                twilio.configured() ? twilio.authToken() : "unconfigured")
                        .httpClient(http)
                        .build(),
                twilio.from(),
                null,
                web.publicBaseUrl());
    }

    /**
     * A tenant's own account: sends with its API key when it has one, else its auth token; from its
     * Messaging Service, or the first of its numbers unless the dispatch names another of them.
     */
    public static TwilioSmsProvider forTenant(
            TenantAccounts.Opened account, String publicBaseUrl, NetworkHttpClient http) {
        return new TwilioSmsProvider(client(account, http), sender(account), senders(account), publicBaseUrl);
    }

    /** The SDK's client for a tenant's account: its API key and secret when it has them, else its auth token. */
    public static TwilioRestClient client(TenantAccounts.Opened account, NetworkHttpClient http) {
        String accountSid = (String) account.config().get("accountSid");
        Object apiKey = account.config().get("apiKeySid");
        TwilioRestClient.Builder builder = apiKey instanceof String key
                ? new TwilioRestClient.Builder(key, account.secrets().get("apiKeySecret")).accountSid(accountSid)
                : new TwilioRestClient.Builder(accountSid, account.secrets().get("authToken"));
        return builder.httpClient(http).build();
    }

    private static String sender(TenantAccounts.Opened account) {
        if (account.config().get("messagingServiceSid") instanceof String service) {
            return service;
        }
        return account.config().get("from") instanceof List<?> numbers && !numbers.isEmpty()
                ? (String) numbers.getFirst()
                : null;
    }

    private static Set<String> senders(TenantAccounts.Opened account) {
        Set<String> senders = new java.util.HashSet<>();
        if (account.config().get("messagingServiceSid") instanceof String service) {
            senders.add(service);
        }
        if (account.config().get("from") instanceof List<?> numbers) {
            numbers.forEach(n -> senders.add((String) n));
        }
        return Set.copyOf(senders);
    }

    @Override
    public String name() {
        return "twilio";
    }

    @Override
    public String defaultSender() {
        return defaultSender;
    }

    @Override
    public String send(Sms sms) {
        // the platform's account sends from any tenant's smsFrom; a tenant's own only from its own senders
        String from = sms.from() != null && (ownSenders == null || ownSenders.contains(sms.from()))
                ? sms.from()
                : defaultSender;
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
            if (code != null && THIS_ACCOUNT.contains(code)) {
                throw ProviderRefused.byThisAccount(Integer.toString(code), "Twilio " + code + ": " + e.getMessage());
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
            if (neverConnected(e)) {
                // no connection was made: Twilio cannot have taken it, so another account may be tried
                throw ProviderTrouble.answered("Twilio could not be reached: " + e.getMessage(), e, null);
            }
            throw ProviderTrouble.unanswered("Twilio could not be reached: " + e.getMessage(), e);
        }
    }

    private static boolean neverConnected(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
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
