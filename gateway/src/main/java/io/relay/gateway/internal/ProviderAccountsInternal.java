package io.relay.gateway.internal;

import io.relay.gateway.provider.ProviderAccountStore;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * For the channel services, on the operator listener only (internal token): which provider accounts a
 * tenant's sends on a channel go through, in order; which accounts a Twilio webhook's AccountSid names; and
 * one account's settings with its credentials still sealed (the channel service opens them itself, with
 * PROVIDER_SECRETS_KEY, and keeps them in memory until the account's version moves).
 */
@RestController
public class ProviderAccountsInternal {

    private final ProviderAccountStore store;
    private final InternalProof internal;

    ProviderAccountsInternal(ProviderAccountStore store, InternalProof internal) {
        this.store = store;
        this.internal = internal;
    }

    @GetMapping(value = "/internal/provider-accounts", params = "channel")
    public Mono<ResponseEntity<Object>> forChannel(
            @RequestParam("tenant") String tenantId,
            @RequestParam("channel") String channel,
            @RequestHeader(value = "X-Internal-Token", required = false) String proof) {
        return internal.answer(proof, () -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("usePlatformDefault", store.usePlatformDefault(tenantId, channel));
            answer.put(
                    "accounts",
                    store.list(tenantId, channel).stream()
                            .map(ProviderAccountsInternal::summary)
                            .toList());
            return ResponseEntity.ok(answer);
        });
    }

    @GetMapping(value = "/internal/provider-accounts", params = "twilioAccountSid")
    public Mono<ResponseEntity<Object>> forTwilioAccount(
            @RequestParam("twilioAccountSid") String accountSid,
            @RequestHeader(value = "X-Internal-Token", required = false) String proof) {
        return internal.answer(
                proof,
                () -> ResponseEntity.ok(Map.of(
                        "accounts",
                        store.byTwilioAccountSid(accountSid).stream()
                                .map(ProviderAccountsInternal::summary)
                                .toList())));
    }

    @GetMapping("/internal/provider-accounts/{accountId}")
    public Mono<ResponseEntity<Object>> account(
            @PathVariable String accountId, @RequestHeader(value = "X-Internal-Token", required = false) String proof) {
        return internal.answer(
                proof,
                () -> store.find(accountId)
                        .<ResponseEntity<Object>>map(account -> {
                            Map<String, Object> answer = summary(account);
                            answer.put("config", account.config());
                            answer.put("keyId", account.sealed().keyId());
                            answer.put(
                                    "wrappedKey",
                                    Base64.getEncoder()
                                            .encodeToString(account.sealed().wrappedKey()));
                            answer.put(
                                    "secret",
                                    Base64.getEncoder()
                                            .encodeToString(account.sealed().ciphertext()));
                            return ResponseEntity.ok(answer);
                        })
                        .orElseGet(() -> ResponseEntity.notFound().build()));
    }

    private static Map<String, Object> summary(ProviderAccountStore.Account account) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("id", account.accountId());
        summary.put("tenantId", account.tenantId());
        summary.put("channel", account.channel());
        summary.put("type", account.type());
        summary.put("name", account.name());
        summary.put("version", account.version());
        return summary;
    }
}
