package io.relay.routing.customer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relay.redis.ResolvedChoicesCache;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * preference-service's own cache of resolved choices, read straight from Redis: a hit is the answer its
 * HTTP call would give (it bumps the customer's generation after every change it commits), without the
 * call. A miss, an unreadable entry or Redis not answering is "ask preference-service", never a guess.
 */
@Component
public class CachedChoices {

    private static final Logger log = LoggerFactory.getLogger(CachedChoices.class);

    private final ResolvedChoicesCache cache;
    private final JsonMapper json;
    private final Counter hits;
    private final Counter misses;

    public CachedChoices(JedisPooled redis, JsonMapper json, MeterRegistry meters) {
        this.cache = new ResolvedChoicesCache(redis);
        this.json = json;
        this.hits = Counter.builder("relay.preferences.answers")
                .description("Customers' resolved choices routing needed, by where the answer came from")
                .tag("source", "cache")
                .register(meters);
        this.misses = Counter.builder("relay.preferences.answers")
                .description("Customers' resolved choices routing needed, by where the answer came from")
                .tag("source", "preference-service")
                .register(meters);
    }

    public Optional<ResolvedChoices> find(PreferenceClient.Question question) {
        return findAll(List.of(question)).values().stream().findFirst();
    }

    /** The questions the cache can answer now; the rest are for preference-service. */
    public Map<PreferenceClient.Question, ResolvedChoices> findAll(Collection<PreferenceClient.Question> questions) {
        List<PreferenceClient.Question> distinct = new ArrayList<>(new LinkedHashSet<>(questions));
        Map<PreferenceClient.Question, ResolvedChoices> found = new HashMap<>();
        List<ResolvedChoicesCache.Lookup> lookups;
        try {
            lookups = cache.lookupAll(distinct.stream()
                    .map(q -> new ResolvedChoicesCache.Question(q.tenantId(), q.customerId(), q.category()))
                    .toList());
        } catch (RuntimeException e) {
            log.warn("the cache of resolved choices did not answer, asking preference-service: {}", e.toString());
            misses.increment(distinct.size());
            return found;
        }
        for (int i = 0; i < distinct.size(); i++) {
            Optional<String> value = lookups.get(i).value();
            if (value.isEmpty()) {
                continue;
            }
            try {
                found.put(distinct.get(i), json.readValue(value.get(), ResolvedChoices.class));
            } catch (JacksonException e) {
                log.warn("an unreadable entry in the cache of resolved choices, asking preference-service");
            }
        }
        hits.increment(found.size());
        misses.increment(distinct.size() - found.size());
        return found;
    }
}
