package io.relay.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;

/**
 * preference-service's read-through cache of resolved choices (one customer, one category, as the JSON
 * its {@code /internal/v1/customers/{id}/resolved} answers), shared so routing-service can read an
 * entry without the HTTP call. preference-service is the only writer: it fills entries and, after any
 * change that commits, bumps the customer's generation or the tenant's epoch, so every reader after the
 * change misses and asks preference-service, and an entry a slow writer puts late lands under the old
 * generation, where nobody looks. A reader therefore sees exactly what the HTTP call would answer.
 */
public class ResolvedChoicesCache {

    /** How long an entry lives. */
    public static final long ENTRY_TTL_SECONDS = 600;
    // longer than any entry lives, so an expired counter can never bring an old entry back
    private static final long COUNTER_TTL_SECONDS = 86_400;

    // one round trip: read both counters, build the entry's key, read the entry (standalone Redis;
    // the entry key is derived inside the script, which a Redis Cluster would not allow)
    private static final String LOOKUP = """
            local e = redis.call('GET', KEYS[1]) or '0'
            local g = redis.call('GET', KEYS[2]) or '0'
            local k = ARGV[1] .. ':e' .. e .. ':g' .. g
            return {k, redis.call('GET', k)}
            """;

    private final JedisPooled redis;

    public ResolvedChoicesCache(JedisPooled redis) {
        this.redis = redis;
    }

    /** One question: a customer of a tenant, and a category. */
    public record Question(String tenantId, String customerId, String category) {}

    /** The current entry's key (to put a fresh value under) and its value, if cached. */
    public record Lookup(String key, Optional<String> value) {}

    public Lookup lookup(String tenantId, String customerId, String category) {
        return lookup(redis.eval(
                LOOKUP, counters(tenantId, customerId), List.of(entryPrefix(tenantId, customerId, category))));
    }

    /** Each question's lookup, in order, in one round trip (pipelined when there are several). */
    public List<Lookup> lookupAll(List<Question> questions) {
        if (questions.isEmpty()) {
            return List.of();
        }
        if (questions.size() == 1) { // routing's hot path: one message, no pipeline to build
            Question q = questions.getFirst();
            return List.of(lookup(q.tenantId(), q.customerId(), q.category()));
        }
        List<Response<Object>> replies = new ArrayList<>(questions.size());
        try (var pipeline = redis.pipelined()) {
            for (Question q : questions) {
                replies.add(pipeline.eval(
                        LOOKUP,
                        counters(q.tenantId(), q.customerId()),
                        List.of(entryPrefix(q.tenantId(), q.customerId(), q.category()))));
            }
            pipeline.sync();
        }
        return replies.stream().map(reply -> lookup(reply.get())).toList();
    }

    private static Lookup lookup(Object reply) {
        List<?> parts = (List<?>) reply;
        Object value = parts.size() > 1 ? parts.get(1) : null;
        return new Lookup(text(parts.get(0)), Optional.ofNullable(value).map(ResolvedChoicesCache::text));
    }

    /** Only preference-service puts: the key is one a {@link #lookup} gave before it read the database. */
    public void put(String key, String json) {
        redis.set(key, json, SetParams.setParams().ex(ENTRY_TTL_SECONDS));
    }

    /** After a change to one customer's profile, choices, consent or contacts has committed. */
    public void customerChanged(String tenantId, String customerId) {
        bump(generationKey(tenantId, customerId));
    }

    /** After a change to what every customer of the tenant depends on (categories, suppression list). */
    public void tenantChanged(String tenantId) {
        bump(epochKey(tenantId));
    }

    /** An erased customer's entries (their addresses among them) go at once, not on their TTL. */
    public void forgetCustomer(String tenantId, String customerId) {
        String pattern = "preference:" + tenantId + ":resolved:" + glob(customerId) + ":*";
        ScanParams params = new ScanParams().match(pattern).count(500);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            var page = redis.scan(cursor, params);
            if (!page.getResult().isEmpty()) {
                redis.del(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    private void bump(String key) {
        redis.incr(key);
        redis.expire(key, COUNTER_TTL_SECONDS);
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
    }

    /** A customer id as a literal in a SCAN pattern. */
    private static String glob(String text) {
        return text.replaceAll("([\\\\*?\\[\\]])", "\\\\$1");
    }

    private static List<String> counters(String tenantId, String customerId) {
        return List.of(epochKey(tenantId), generationKey(tenantId, customerId));
    }

    private static String entryPrefix(String tenantId, String customerId, String category) {
        return "preference:" + tenantId + ":resolved:" + customerId + ":" + category;
    }

    private static String epochKey(String tenantId) {
        return "preference:" + tenantId + ":epoch";
    }

    private static String generationKey(String tenantId, String customerId) {
        return "preference:" + tenantId + ":gen:" + customerId;
    }
}
