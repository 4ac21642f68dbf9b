package io.relay.channel.sms;

import io.relay.channel.ProviderRefused;
import io.relay.channel.ProviderTrouble;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** One SMS provider account (Twilio today). Its adapter sorts the provider's answers; nothing else. */
public interface SmsProvider {

    /** {@code from} is null for the account's default sender; {@code messageId} and {@code tenantId} ride along for the status callback. */
    record Sms(String tenantId, String messageId, String to, String from, String body) {}

    /** The provider's name in metrics and logs. */
    String name();

    /** The account's own sender, for tenants without one of their own; null when it has none. */
    String defaultSender();

    /**
     * Sends one SMS and returns the provider's id for it.
     *
     * @throws ProviderRefused for good (with its effect on the number: invalid, opted out)
     * @throws ProviderTrouble when trying again may help
     * @throws IllegalStateException when the account cannot send at all (no sender): retried later
     */
    String send(Sms sms);

    /** The id of an SMS the provider already took to this number with this body since {@code since}. */
    Optional<String> alreadySent(Sms sms, Instant since);

    /**
     * A status callback's posted fields read as a delivery report, or empty when the status is one
     * the timeline does not record (queued, sending). The caller checks the callback is genuine.
     */
    Optional<StatusReport> parseStatus(Map<String, String> posted);

    /** What a status callback reports: the provider's id, our status, and its code when it failed. */
    record StatusReport(
            String providerId, io.relay.contracts.payload.DeliveryEvent.Status status, String code, String reason) {}
}
