package io.relay.channel;

import io.relay.contracts.Channel;
import io.relay.contracts.payload.Dispatch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@link ChannelWorker} needs to know about one channel: how to read its dispatch and how to
 * hand it to the provider for one recipient. {@code sms/SmsChannel}, {@code email/EmailChannel} and
 * {@code push/PushChannel} implement it over their provider interfaces, so a provider's adapter never
 * sees the worker's machinery.
 *
 * @param <D> the channel's dispatch payload (its message id, customer and expiry are the {@link Dispatch}'s)
 */
public interface Delivery<D extends Dispatch> {

    Channel channel();

    Class<D> dispatchType();

    /** The provider's name, as it appears in metrics, spans and logs ({@code twilio}, {@code smtp}). */
    String provider();

    /** Marketing: an address suppressed for marketing only (a spam complaint) does not get it. */
    default boolean marketing(D dispatch) {
        return false;
    }

    /** Who the dispatch goes to: its one address, or (push) each of the customer's tokens. */
    List<String> recipients(D dispatch);

    /** Whether each recipient keeps a sent record of its own (push: each token), not the message one. */
    default boolean perRecipient() {
        return false;
    }

    /**
     * Sends to one recipient and returns the provider's id for it.
     *
     * @throws ProviderRefused when the provider refused for good
     * @throws ProviderTrouble when trying again may help
     */
    String send(String tenantId, D dispatch, String recipient, Instant now);

    /**
     * The provider accounts a tenant's dispatch may go through, in the order they are tried:
     * {@link io.relay.channel.accounts.TenantAccounts#PLATFORM} alone unless the channel sends through
     * tenants' own accounts. Empty when no account may send for the tenant.
     */
    default List<String> accounts(String tenantId) {
        return List.of(io.relay.channel.accounts.TenantAccounts.PLATFORM);
    }

    /** One account's name in metrics, the timeline and logs: {@code twilio}, or {@code twilio:pa_…} for a tenant's. */
    default String provider(String account) {
        return io.relay.channel.accounts.TenantAccounts.PLATFORM.equals(account)
                ? provider()
                : provider() + ":" + account;
    }

    /** {@link #send(String, Dispatch, String, Instant)} through one of {@link #accounts}. */
    default String send(String account, String tenantId, D dispatch, String recipient, Instant now) {
        return send(tenantId, dispatch, recipient, now);
    }

    /** {@link #alreadyTaken(String, Dispatch, String, Instant)}, asked of the account that was tried. */
    default Optional<String> alreadyTaken(
            String account, String tenantId, D dispatch, String recipient, Instant since) {
        return alreadyTaken(tenantId, dispatch, recipient, since);
    }

    /** Whether {@link #alreadyTaken} can ask the provider what it already took. */
    default boolean reconciles() {
        return false;
    }

    /**
     * What the provider already took for this recipient since {@code since}: how an attempt cut short
     * by a crash is reconciled instead of sent again. Only asked when {@link #reconciles()}.
     */
    default Optional<String> alreadyTaken(String tenantId, D dispatch, String recipient, Instant since) {
        return Optional.empty();
    }

    /** The {@code failed} event's code and reason when every recipient was refused. */
    default ProviderRefused whenAllRefused(D dispatch, List<ProviderRefused> refusals) {
        return refusals.getFirst();
    }
}
