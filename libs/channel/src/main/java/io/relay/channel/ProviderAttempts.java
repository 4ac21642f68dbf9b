package io.relay.channel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relay.channel.accounts.AccountGone;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.resilience.ProviderResilience;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * One recipient's send through the tenant's provider accounts in order, at most once:
 *
 * <ul>
 *   <li>an <b>attempt record</b> naming the account is written before each call and removed once the
 *       account answered. A second dispatch finding one asks that same account what it already took
 *       (where the provider can be asked) or, while the attempt is younger than the sending lease, waits
 *       in the retry queue; then that account is tried first again;
 *   <li>each account is called through its own retry, circuit breaker, rate limiter and bulkhead;
 *   <li>an account whose circuit is open, that refuses our credentials, or that answered with an error
 *       (so it definitely did not take the message) is <b>failed over</b>: the next account is tried.
 *       When the outcome is unknown (no answer to a request it may have received) there is no failover:
 *       the trouble goes to the retry queue with the attempt record kept, so the same account is asked first;
 *   <li>a refusal for good (about the message or the address) ends the send: another account would refuse
 *       it too. A refusal of the account's own (a sender it does not own) moves on, unless it is the last.
 * </ul>
 */
final class ProviderAttempts<D extends io.relay.contracts.payload.Dispatch> {

    private static final Logger log = LoggerFactory.getLogger(ProviderAttempts.class);

    private final Delivery<D> delivery;
    private final JedisPooled redis;
    private final Function<String, ProviderResilience> resilience;
    private final Clock clock;
    private final Duration sendingLease;
    private final Duration recordTtl;
    private final MeterRegistry meters;

    ProviderAttempts(
            Delivery<D> delivery,
            JedisPooled redis,
            Function<String, ProviderResilience> resilience,
            Clock clock,
            Duration sendingLease,
            Duration recordTtl,
            MeterRegistry meters) {
        this.delivery = delivery;
        this.redis = redis;
        this.resilience = resilience;
        this.clock = clock;
        this.sendingLease = sendingLease;
        this.recordTtl = recordTtl;
        this.meters = meters;
    }

    /** {@code <channel>:<tenant>:<kind>:<message>}, and {@code :<fingerprint>} per recipient. */
    String key(String kind, String tenantId, D dispatch, String recipient) {
        String key = delivery.channel().wireName() + ":" + tenantId + ":" + kind + ":" + dispatch.messageId();
        return delivery.perRecipient() ? key + ":" + fingerprint(recipient) : key;
    }

    /**
     * Sends to one recipient and returns what the provider account that took it said; {@code failovers}
     * gets a line for each account passed over on the way.
     */
    SentRecord send(String tenantId, D dispatch, String recipient, List<String> failovers) {
        List<String> order = new ArrayList<>(delivery.accounts(tenantId));
        if (order.isEmpty()) {
            throw new ProviderRefused(
                    "no-provider",
                    "no " + delivery.channel().wireName() + " provider account may send for this tenant"
                            + " (none connected, and usePlatformDefault is off)");
        }
        String attemptKey = key("attempt", tenantId, dispatch, recipient);
        Instant now = clock.instant();
        SetParams keep = SetParams.setParams().ex(recordTtl.toSeconds());
        // the first try's attempt record, when none was there: the first account needs no record of its own
        boolean recorded = "OK"
                .equals(redis.set(
                        attemptKey,
                        now + "|" + order.getFirst(),
                        SetParams.setParams().nx().ex(recordTtl.toSeconds())));
        if (!recorded) {
            String stored = redis.get(attemptKey);
            if (stored == null) {
                // a twin delivery finished (or gave up) in between: its sent record decides, next time
                throw new IllegalStateException("another delivery of this message just finished; this one waits");
            }
            SentRecord earlier = SentRecord.parseAttempt(stored, now);
            String account = earlier.account();
            boolean asked = false;
            if (delivery.reconciles()) {
                // a crash between the provider's answer and our record: ask the account that was tried
                try {
                    Optional<String> taken = resilience
                            .apply(delivery.provider(account))
                            .call(() -> delivery.alreadyTaken(
                                    account,
                                    tenantId,
                                    dispatch,
                                    recipient,
                                    earlier.at().minusSeconds(5)));
                    if (taken.isPresent()) {
                        return record(tenantId, dispatch, recipient, taken.get(), account);
                    }
                    asked = true;
                } catch (AccountGone gone) {
                    // deleted since: it cannot be asked, so it is waited out as a provider that cannot be
                }
            }
            if (!asked && now.isBefore(earlier.at().plus(sendingLease))) {
                throw new IllegalStateException("another delivery of this message is being sent right now");
            }
            if (order.remove(account)) {
                order.addFirst(account); // its outcome was unknown: it is asked, then tried, before any other
            }
        }
        RuntimeException last = null;
        // an earlier account's passing trouble: then a later account's refusal of its own is not final
        RuntimeException passing = null;
        for (int i = 0; i < order.size(); i++) {
            String account = order.get(i);
            String provider = delivery.provider(account);
            if (i > 0 || !recorded) {
                redis.set(attemptKey, clock.instant() + "|" + account, keep);
            }
            try {
                String providerId = resilience
                        .apply(provider)
                        .call(() -> delivery.send(account, tenantId, dispatch, recipient, clock.instant()));
                log.debug("accepted by {} as {}", provider, providerId);
                count(provider, "sent");
                return record(tenantId, dispatch, recipient, providerId, account);
            } catch (ProviderRefused refused) {
                count(provider, "refused");
                if (refused.accountSpecific() && i < order.size() - 1) {
                    // this account may not send it (its sender, its region): the next one may
                    last = refused;
                    failover(provider, refused.getMessage(), true, failovers);
                    continue;
                }
                redis.del(attemptKey);
                throw refused.accountSpecific() && passing != null ? passing : refused;
            } catch (AccountGone gone) {
                count(provider, "gone");
                last = gone;
                failover(provider, "deleted", i < order.size() - 1, failovers);
            } catch (ProviderTrouble trouble) {
                if (trouble instanceof ProviderMisconfigured misconfigured) {
                    log.error(
                            "{} refuses our credentials ({}): {}; its messages go to the next account or wait",
                            provider,
                            misconfigured.code(),
                            misconfigured.getMessage());
                    Counter.builder("relay.provider.misconfigured")
                            .description("Provider calls refused because of our own account or credentials")
                            .tag("provider", provider)
                            .register(meters)
                            .increment();
                }
                count(provider, trouble instanceof ProviderMisconfigured ? "unauthorised" : "trouble");
                if (trouble.mayHaveTaken()) {
                    throw trouble; // the outcome is unknown: no failover, this account first next time
                }
                last = trouble;
                passing = passing == null ? trouble : passing;
                failover(provider, trouble.getMessage(), i < order.size() - 1, failovers);
            } catch (ProviderResilience.ProviderUnavailable open) {
                count(provider, "circuit-open");
                last = open;
                passing = passing == null ? open : passing;
                failover(provider, "circuit open", i < order.size() - 1, failovers);
            } catch (RuntimeException other) {
                redis.del(attemptKey);
                throw other;
            }
        }
        // no account took it: nothing to reconcile next time. The record was overwritten account by
        // account, never removed in between, so a twin never found a gap to send through another
        redis.del(attemptKey);
        throw last;
    }

    private void failover(String provider, String why, boolean toNext, List<String> failovers) {
        if (!toNext) {
            return;
        }
        log.warn("{} did not take it ({}): trying the next account", provider, why);
        failovers.add(provider + " (" + why + ")");
        Counter.builder("relay.provider.failovers")
                .description("Sends moved to the next provider account: this one was unhealthy or did not take it")
                .tag("channel", delivery.channel().wireName())
                .tag("provider", provider)
                .register(meters)
                .increment();
    }

    private void count(String provider, String outcome) {
        Counter.builder("relay.provider.sends")
                .description("Calls to send through a provider account, by outcome")
                .tag("channel", delivery.channel().wireName())
                .tag("provider", provider)
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }

    SentRecord record(String tenantId, D dispatch, String recipient, String providerId, String account) {
        SentRecord record = new SentRecord(clock.instant(), providerId, account);
        // one round trip, in this order: a twin that finds no attempt record finds the sent record
        try (var pipeline = redis.pipelined()) {
            pipeline.set(
                    key("sent", tenantId, dispatch, recipient),
                    record.toString(),
                    SetParams.setParams().ex(recordTtl.toSeconds()));
            pipeline.del(key("attempt", tenantId, dispatch, recipient));
            pipeline.sync();
        }
        return record;
    }

    /** A recipient's stable short name for keys: tokens are long and secret-ish. */
    static String fingerprint(String recipient) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(recipient.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code <at>|<provider id>|<account>}: when the provider account took it, its id for it, and which
     * account it was. An attempt record is {@code <at>|<account>}. Records written before accounts were
     * kept in them name the platform's.
     */
    record SentRecord(Instant at, String providerId, String account) {

        static Optional<SentRecord> parse(String stored, Instant now) {
            if (stored == null) {
                return Optional.empty();
            }
            String[] parts = stored.split("\\|", 3);
            return Optional.of(
                    switch (parts.length) {
                        case 1 -> new SentRecord(now, stored, TenantAccounts.PLATFORM);
                        case 2 -> new SentRecord(Instant.parse(parts[0]), parts[1], TenantAccounts.PLATFORM);
                        default -> new SentRecord(Instant.parse(parts[0]), parts[1], parts[2]);
                    });
        }

        static SentRecord parseAttempt(String stored, Instant now) {
            if (stored == null) {
                return new SentRecord(now, null, TenantAccounts.PLATFORM);
            }
            String[] parts = stored.split("\\|", 2);
            return new SentRecord(
                    Instant.parse(parts[0]), null, parts.length == 2 ? parts[1] : TenantAccounts.PLATFORM);
        }

        @Override
        public String toString() {
            return at + "|" + providerId + "|" + account;
        }
    }
}
