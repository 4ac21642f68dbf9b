package io.relay.email.bounce;

import io.relay.contracts.Suppressions;
import io.relay.contracts.payload.EmailDispatch;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;

/**
 * VERP: every email goes out with its own return path, {@code bounce+<token>@<bounce domain>}, and the
 * token's record in Redis says which tenant, message and customer it was, so a bounce or complaint that
 * comes back is matched to what we sent, not to what the report claims. The token is random (a forged
 * report cannot name a message), and the record holds the recipient only as the suppression list's hash.
 */
@Component
public class ReturnPaths implements io.relay.channel.ErasureHook {

    private static final Pattern TOKEN = Pattern.compile("bounce\\+([a-z2-7]{26})@", Pattern.CASE_INSENSITIVE);
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a token stands for. {@code recipientHash}: {@link Suppressions#addressHash} of the address. */
    public record Sent(String tenantId, String messageId, String customerId, String recipientHash) {}

    private final JedisPooled redis;
    private final BounceProperties settings;

    public ReturnPaths(JedisPooled redis, BounceProperties settings) {
        this.redis = redis;
        this.settings = settings;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** A new return path for this message, its record kept for {@code relay.bounces.record-ttl}. */
    public String returnPath(String tenantId, EmailDispatch email) {
        return returnPath(tenantId, email, null);
    }

    /** The same at {@code domain} (a tenant relay's return-path domain), or at BOUNCE_DOMAIN when null. */
    public String returnPath(String tenantId, EmailDispatch email, String domain) {
        StringBuilder token = new StringBuilder(26);
        for (int i = 0; i < 26; i++) {
            token.append(BASE32[RANDOM.nextInt(32)]);
        }
        String key = key(token.toString());
        redis.hset(
                key,
                Map.of(
                        "tenant",
                        tenantId,
                        "message",
                        email.messageId(),
                        "customer",
                        email.customerId() == null ? "" : email.customerId(),
                        "recipient",
                        Suppressions.addressHash("email", email.to())));
        redis.expire(key, settings.recordTtl().toSeconds());
        if (email.customerId() != null) {
            // so an erasure finds the customer's records (the index names them by hash only)
            String index = index(tenantId, email.customerId());
            redis.sadd(index, token.toString());
            redis.expire(index, settings.recordTtl().toSeconds());
        }
        return "bounce+" + token + "@" + (domain != null ? domain : settings.domain());
    }

    /** An erased customer's return-path records go: a later report about them matches nothing. */
    @Override
    public void forget(String tenantId, String customerId) {
        String index = index(tenantId, customerId);
        for (String token : redis.smembers(index)) {
            redis.del(key(token));
        }
        redis.del(index);
    }

    private static String index(String tenantId, String customerId) {
        // erased:<tenant>:<sha-256 of the id>: the customer by hash, as the erasure mark names them
        return "email:return-paths:" + Suppressions.erasedKey(tenantId, customerId);
    }

    /** The message a text naming a return path (a report's recipient, the original's Return-Path) was for. */
    public Optional<Sent> find(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher matcher = TOKEN.matcher(text);
        while (matcher.find()) {
            Map<String, String> record = redis.hgetAll(key(matcher.group(1).toLowerCase(java.util.Locale.ROOT)));
            if (!record.isEmpty()) {
                String customer = record.get("customer");
                return Optional.of(new Sent(
                        record.get("tenant"),
                        record.get("message"),
                        customer == null || customer.isEmpty() ? null : customer,
                        record.get("recipient")));
            }
        }
        return Optional.empty();
    }

    private static String key(String token) {
        return "email:return-path:" + token;
    }
}
