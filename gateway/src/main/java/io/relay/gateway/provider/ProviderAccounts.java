package io.relay.gateway.provider;

import static io.relay.gateway.edge.Answers.invalid;
import static io.relay.gateway.edge.Answers.notFound;

import io.relay.gateway.edge.Answers;
import io.relay.gateway.edge.Answers.FieldError;
import io.relay.security.SecretBox;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a tenant (with its API key) or the operator (for a tenant) can do with the tenant's provider
 * accounts. Credentials are sealed before anything else sees them, checked with the provider before they
 * are saved, and never answered back: an account shows only the names of the secrets it holds. Blocking.
 */
@Component
public class ProviderAccounts {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
    private static final TypeReference<Map<String, String>> SECRETS = new TypeReference<>() {};

    /** A new account, or (every field optional) a change to one; {@code secrets} given replace those named. */
    public record ProviderRequest(String type, String name, Map<String, Object> config, Map<String, String> secrets) {

        /** Never the secrets' values: a request may be logged by the framework at a debug level. */
        @Override
        public String toString() {
            return "ProviderRequest[type=" + type + ", name=" + name + ", config=" + config + ", secrets="
                    + (secrets == null ? "none" : secrets.keySet()) + " (values hidden)]";
        }
    }

    /** A channel's order of accounts (all of them, each once) and whether the platform's may follow. */
    public record ChannelRequest(List<String> order, Boolean usePlatformDefault) {}

    private final ProviderAccountStore store;
    private final SecretBox box;
    private final CredentialCheck check;
    private final CheckLimit checks;
    private final JsonMapper json;
    private final Clock clock;

    public ProviderAccounts(
            ProviderAccountStore store,
            SecretBox box,
            CredentialCheck check,
            CheckLimit checks,
            JsonMapper json,
            Clock clock) {
        this.checks = checks;
        this.store = store;
        this.box = box;
        this.check = check;
        this.json = json;
        this.clock = clock;
    }

    public ResponseEntity<Object> list(String tenantId) {
        Map<String, Object> channels = new LinkedHashMap<>();
        for (String channel : new TreeSet<>(ProviderTypes.CHANNELS)) {
            channels.put(channel, channelView(tenantId, channel));
        }
        return ResponseEntity.ok(Map.of("channels", channels));
    }

    public ResponseEntity<Object> get(String tenantId, String accountId) {
        return store.find(tenantId, accountId)
                .<ResponseEntity<Object>>map(account -> ResponseEntity.ok(view(account)))
                .orElseGet(() -> notFound("provider account " + accountId));
    }

    public ResponseEntity<Object> create(String tenantId, String path, ProviderRequest body) {
        Map<String, Object> config = body.config() == null ? Map.of() : body.config();
        Map<String, String> secrets = body.secrets() == null ? Map.of() : body.secrets();
        List<FieldError> errors = new ArrayList<>(ProviderTypes.checkSecrets(body.type(), secrets));
        errors.addAll(ProviderTypes.check(body.type(), body.name(), config, secrets.keySet()));
        if (errors.isEmpty()
                && store.list(tenantId, ProviderTypes.channelOf(body.type())).size() >= ProviderTypes.MAX_PER_CHANNEL) {
            errors.add(new FieldError(
                    "type", "at most " + ProviderTypes.MAX_PER_CHANNEL + " accounts per channel: delete one first"));
        }
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        String accountId = "pa_" + random(16);
        ProviderAccountStore.Account account = new ProviderAccountStore.Account(
                accountId,
                tenantId,
                ProviderTypes.channelOf(body.type()),
                body.type(),
                body.name().strip(),
                0,
                config,
                List.copyOf(new TreeSet<>(secrets.keySet())),
                box.seal(json.writeValueAsString(secrets), ProviderAccountStore.Account.context(tenantId, accountId)),
                1,
                clock.instant(),
                null,
                null);
        Optional<ResponseEntity<Object>> refused = refusedByProvider(account);
        if (refused.isPresent()) {
            return refused.get();
        }
        ProviderAccountStore.Account stored = store.insert(account);
        return ResponseEntity.created(URI.create(path + "/" + accountId)).body(view(stored));
    }

    public ResponseEntity<Object> change(String tenantId, String accountId, ProviderRequest body) {
        Optional<ProviderAccountStore.Account> found = store.find(tenantId, accountId);
        if (found.isEmpty()) {
            return notFound("provider account " + accountId);
        }
        ProviderAccountStore.Account old = found.get();
        List<FieldError> errors = new ArrayList<>();
        if (body.type() != null && !body.type().equals(old.type())) {
            errors.add(new FieldError("type", "cannot change: connect a new account instead"));
        }
        Map<String, String> given = body.secrets() == null ? Map.of() : body.secrets();
        errors.addAll(ProviderTypes.checkSecrets(old.type(), given));
        Map<String, Object> config = body.config() == null ? old.config() : body.config();
        String name = body.name() == null ? old.name() : body.name();
        Set<String> names = new HashSet<>(old.secretNames());
        names.addAll(given.keySet());
        errors.addAll(ProviderTypes.check(old.type(), name, config, names));
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        boolean credentialsChanged = !given.isEmpty() || !config.equals(old.config());
        SecretBox.Sealed sealed = old.sealed();
        if (!given.isEmpty()) {
            Map<String, String> secrets =
                    new LinkedHashMap<>(json.readValue(box.open(old.sealed(), old.context()), SECRETS));
            secrets.putAll(given);
            sealed = box.seal(json.writeValueAsString(secrets), old.context());
        }
        ProviderAccountStore.Account changed = new ProviderAccountStore.Account(
                accountId,
                tenantId,
                old.channel(),
                old.type(),
                name.strip(),
                old.position(),
                config,
                List.copyOf(new TreeSet<>(names)),
                sealed,
                old.version(),
                credentialsChanged ? clock.instant() : old.checkedAt(),
                old.createdAt(),
                old.updatedAt());
        if (credentialsChanged) {
            Optional<ResponseEntity<Object>> refused = refusedByProvider(changed);
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        if (!store.update(changed)) {
            // changed meanwhile (another change, or its key rewrapped): nothing of this one was kept
            return store.find(tenantId, accountId).isPresent()
                    ? Answers.problem(
                            HttpStatus.CONFLICT,
                            "conflict",
                            "Conflict",
                            "the account changed while this change was made; read it again and retry")
                    : notFound("provider account " + accountId);
        }
        return ResponseEntity.ok(view(store.find(tenantId, accountId).orElseThrow()));
    }

    public ResponseEntity<Object> delete(String tenantId, String accountId) {
        return store.delete(tenantId, accountId)
                ? ResponseEntity.noContent().build()
                : notFound("provider account " + accountId);
    }

    public ResponseEntity<Object> channel(String tenantId, String channel, ChannelRequest body) {
        if (!ProviderTypes.CHANNELS.contains(channel)) {
            return notFound("channel " + channel);
        }
        List<String> current = store.list(tenantId, channel).stream()
                .map(ProviderAccountStore.Account::accountId)
                .toList();
        if (body.order() != null
                && (body.order().size() != current.size()
                        || !new HashSet<>(body.order()).equals(new HashSet<>(current)))) {
            return invalid(List.of(new FieldError(
                    "order", "must name each of this channel's " + current.size() + " provider accounts once")));
        }
        if (body.order() != null) {
            store.reorder(tenantId, channel, body.order());
        }
        if (body.usePlatformDefault() != null) {
            store.usePlatformDefault(tenantId, channel, body.usePlatformDefault());
        }
        return ResponseEntity.ok(channelView(tenantId, channel));
    }

    private Optional<ResponseEntity<Object>> refusedByProvider(ProviderAccountStore.Account account) {
        if (!checks.admit(account.tenantId())) {
            ResponseEntity<Object> limited = Answers.problem(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "rate-limited",
                    "Too many requests",
                    "at most " + CheckLimit.PER_MINUTE
                            + " credential checks a minute; nothing was saved, retry in a minute");
            return Optional.of(ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .headers(headers -> {
                        headers.addAll(limited.getHeaders());
                        headers.set(org.springframework.http.HttpHeaders.RETRY_AFTER, "60");
                    })
                    .body(limited.getBody()));
        }
        try {
            return check.refusal(account)
                    .map(verdict -> invalid(List.of(
                            new FieldError(verdict.field() == null ? "secrets" : verdict.field(), verdict.detail()))));
        } catch (CredentialCheck.Unavailable e) {
            return Optional.of(Answers.problem(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Unavailable",
                    "the credentials could not be checked with the provider now; nothing was saved, retry"));
        }
    }

    private Map<String, Object> channelView(String tenantId, String channel) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("usePlatformDefault", store.usePlatformDefault(tenantId, channel));
        view.put(
                "providers",
                store.list(tenantId, channel).stream()
                        .map(ProviderAccounts::view)
                        .toList());
        return view;
    }

    /** An account as answered: its settings and the names of its secrets, never their values. */
    static Map<String, Object> view(ProviderAccountStore.Account account) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", account.accountId());
        view.put("channel", account.channel());
        view.put("type", account.type());
        view.put("name", account.name());
        view.put("position", account.position());
        view.put("config", account.config());
        view.put("secrets", account.secretNames());
        view.put("version", account.version());
        view.put("checkedAt", account.checkedAt());
        view.put("createdAt", account.createdAt());
        view.put("updatedAt", account.updatedAt());
        return view;
    }

    private static String random(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}
