package io.relay.channel.accounts;

import io.relay.security.SecretBox;
import io.relay.web.RequestContextFilter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tenant's own provider accounts, as a channel service needs them: which accounts a tenant's sends on
 * this channel go through, in order (asked of the gateway's internal API, remembered for {@code ttl}), and
 * each account's settings and credentials, fetched by its id still sealed, opened here with
 * {@code PROVIDER_SECRETS_KEY}, and kept in memory until the account's version moves. Nothing of it
 * travels in RabbitMQ or reaches a log.
 */
public final class TenantAccounts {

    /** The platform's own account, configured by the operator: the only one before issue 21. */
    public static final String PLATFORM = "platform";

    /** An account as listed: enough to choose it and to know whether what is held of it is current. */
    public record AccountRef(String id, String tenantId, String type, String name, long version) {}

    /** Where a tenant's sends on a channel go, in order; {@code usePlatformDefault}: the platform's after them. */
    public record Route(List<AccountRef> accounts, boolean usePlatformDefault) {

        /** The account ids to try, in order, with {@link #PLATFORM} last when it may be used. */
        public List<String> order() {
            List<String> order = new java.util.ArrayList<>(
                    accounts.stream().map(AccountRef::id).toList());
            if (usePlatformDefault) {
                order.add(PLATFORM);
            }
            return order;
        }
    }

    /** An account with its credentials open: held in memory only. */
    public record Opened(
            String id,
            String tenantId,
            String type,
            long version,
            Map<String, Object> config,
            Map<String, String> secrets) {

        @Override
        public String toString() {
            return "Opened[" + type + " account " + id + " of " + tenantId + ", v" + version + ", secrets hidden]";
        }
    }

    private static final ParameterizedTypeReference<Map<String, Object>> ANSWER = new ParameterizedTypeReference<>() {};
    private static final TypeReference<Map<String, String>> SECRETS = new TypeReference<>() {};

    private record Remembered<T>(T value, Instant until) {}

    private static final int SIDS_REMEMBERED = 10_000;

    private final RestClient gateway;
    private final String gatewayAdminUrl;
    private final SecretBox box;
    private final Duration ttl;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, Remembered<Route>> routes = new ConcurrentHashMap<>();
    private final Map<String, Opened> opened = new ConcurrentHashMap<>();
    private final Map<String, Remembered<List<AccountRef>>> bySid = new ConcurrentHashMap<>();

    public TenantAccounts(String gatewayAdminUrl, String internalToken, SecretBox box, Duration ttl, Clock clock) {
        SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
        factory.setConnectTimeout(Duration.ofSeconds(2));
        factory.setReadTimeout(Duration.ofSeconds(5));
        this.gateway = RestClient.builder()
                .requestFactory(factory)
                .defaultHeader(RequestContextFilter.INTERNAL_TOKEN, internalToken)
                .build();
        this.gatewayAdminUrl = gatewayAdminUrl.endsWith("/")
                ? gatewayAdminUrl.substring(0, gatewayAdminUrl.length() - 1)
                : gatewayAdminUrl;
        this.box = box;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * The tenant's accounts for {@code channel}, in order. Remembered for the ttl; when the gateway cannot
     * be asked, what was remembered last is used, however old, and otherwise the exception goes to the caller.
     */
    public Route route(String tenantId, String channel) {
        return remembered(routes, tenantId + "\n" + channel, Integer.MAX_VALUE, () -> {
            Map<String, Object> answer =
                    get("/internal/provider-accounts?tenant=" + encode(tenantId) + "&channel=" + encode(channel));
            return new Route(refs(answer), !Boolean.FALSE.equals(answer.get("usePlatformDefault")));
        });
    }

    /**
     * The accounts of any tenant with this Twilio account SID (a webhook names the account it is for).
     * Remembered for the ttl, an answer of none included: every status callback of a busy account, and a
     * stranger's stream of made-up SIDs, would otherwise each be a call to the gateway and its database.
     * At most {@value #SIDS_REMEMBERED} SIDs are remembered at once.
     */
    public List<AccountRef> byTwilioAccountSid(String accountSid) {
        return remembered(
                bySid,
                accountSid,
                SIDS_REMEMBERED,
                () -> refs(get("/internal/provider-accounts?twilioAccountSid=" + encode(accountSid))));
    }

    /**
     * What {@code held} has for {@code key} while it is younger than the ttl; else asked anew and held (the
     * whole map forgotten first when it holds {@code atMost}). When asking fails, what was held last is used,
     * however old, and otherwise the exception goes to the caller.
     */
    private <T> T remembered(
            Map<String, Remembered<T>> held, String key, int atMost, java.util.function.Supplier<T> ask) {
        Remembered<T> remembered = held.get(key);
        Instant now = clock.instant();
        if (remembered != null && now.isBefore(remembered.until())) {
            return remembered.value();
        }
        try {
            T value = ask.get();
            if (held.size() >= atMost) {
                held.clear();
            }
            held.put(key, new Remembered<>(value, now.plus(ttl)));
            return value;
        } catch (RuntimeException e) {
            if (remembered != null) {
                return remembered.value();
            }
            throw e;
        }
    }

    /** The account with its credentials open; fetched again only when {@code ref}'s version is newer. */
    public Opened open(AccountRef ref) {
        Opened held = opened.get(ref.id());
        if (held != null && held.version() >= ref.version()) {
            return held;
        }
        return fetch(ref.id());
    }

    /** The account as the gateway has it now, opened. */
    public Opened fetch(String accountId) {
        Map<String, Object> answer;
        try {
            answer = get("/internal/provider-accounts/" + encode(accountId));
        } catch (org.springframework.web.client.HttpClientErrorException.NotFound gone) {
            opened.remove(accountId);
            throw new AccountGone(accountId, gone);
        }
        String tenantId = (String) answer.get("tenantId");
        String secrets = box.open(
                new SecretBox.Sealed(
                        (String) answer.get("keyId"),
                        Base64.getDecoder().decode((String) answer.get("wrappedKey")),
                        Base64.getDecoder().decode((String) answer.get("secret"))),
                tenantId + "|" + accountId);
        @SuppressWarnings("unchecked")
        Opened account = new Opened(
                accountId,
                tenantId,
                (String) answer.get("type"),
                ((Number) answer.get("version")).longValue(),
                Map.copyOf((Map<String, Object>) answer.get("config")),
                Map.copyOf(json.readValue(secrets, SECRETS)));
        opened.put(accountId, account);
        return account;
    }

    /** The credentials held for an account a check sent sealed, opened the same way. */
    public Opened openSealed(
            String accountId, String tenantId, String type, Map<String, Object> config, SecretBox.Sealed sealed) {
        return new Opened(
                accountId,
                tenantId,
                type,
                0,
                Map.copyOf(config),
                Map.copyOf(json.readValue(box.open(sealed, tenantId + "|" + accountId), SECRETS)));
    }

    @SuppressWarnings("unchecked")
    private static List<AccountRef> refs(Map<String, Object> answer) {
        List<Map<String, Object>> accounts = (List<Map<String, Object>>) answer.getOrDefault("accounts", List.of());
        return accounts.stream()
                .map(a -> new AccountRef(
                        (String) a.get("id"),
                        (String) a.get("tenantId"),
                        (String) a.get("type"),
                        (String) a.get("name"),
                        ((Number) a.get("version")).longValue()))
                .toList();
    }

    private Map<String, Object> get(String pathAndQuery) {
        Map<String, Object> answer = gateway.get()
                .uri(URI.create(gatewayAdminUrl + pathAndQuery))
                .retrieve()
                .body(ANSWER);
        if (answer == null) {
            throw new IllegalStateException("the gateway answered nothing for " + pathAndQuery.replaceAll("\\?.*", ""));
        }
        return answer;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
