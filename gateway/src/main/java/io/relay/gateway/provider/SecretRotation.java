package io.relay.gateway.provider;

import io.relay.security.SecretBox;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Rotation of {@code PROVIDER_SECRETS_KEY}: records sealed under a previous key get their data key
 * wrapped anew under the current one, at start-up and when the operator asks
 * ({@code POST /admin/provider-secrets/rewrap}); {@code GET /admin/provider-secrets} counts records per
 * key id, so the operator knows when the previous key can go (docs/runbook.md).
 */
@RestController
public class SecretRotation {

    private static final Logger log = LoggerFactory.getLogger(SecretRotation.class);

    private final ProviderAccountStore store;
    private final SecretBox box;

    public SecretRotation(ProviderAccountStore store, SecretBox box) {
        this.store = store;
        this.box = box;
    }

    /** Rewraps what it can; a record under a key no longer held is counted and left for the operator. */
    public Map<String, Object> rewrap() {
        int rewrapped = 0;
        int unknownKey = 0;
        for (ProviderAccountStore.Account account : store.sealedUnderOtherKeys(box.currentKeyId())) {
            try {
                if (store.rewrapped(account, box.rewrap(account.sealed(), account.context()))) {
                    rewrapped++;
                }
            } catch (SecretBox.UnknownKeyException e) {
                unknownKey++;
            }
        }
        if (rewrapped > 0 || unknownKey > 0) {
            log.info(
                    "provider secrets: {} rewrapped under key {}, {} under a key neither current nor previous",
                    rewrapped,
                    box.currentKeyId(),
                    unknownKey);
        }
        Map<String, Object> answer = status();
        answer.put("rewrapped", rewrapped);
        answer.put("unreadable", unknownKey);
        return answer;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStart() {
        rewrap();
    }

    private Map<String, Object> status() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("currentKeyId", box.currentKeyId());
        answer.put("accountsByKeyId", store.countsByKey());
        return answer;
    }

    @GetMapping("/admin/provider-secrets")
    public Mono<ResponseEntity<Object>> get() {
        return Mono.fromCallable(() -> ResponseEntity.<Object>ok(status())).subscribeOn(Schedulers.boundedElastic());
    }

    @PostMapping("/admin/provider-secrets/rewrap")
    public Mono<ResponseEntity<Object>> rewrapNow() {
        return Mono.fromCallable(() -> ResponseEntity.<Object>ok(rewrap())).subscribeOn(Schedulers.boundedElastic());
    }
}
