package io.relay.gateway.provider;

import io.relay.gateway.GatewayProperties;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Asks the channel service that will use an account whether its credentials work, before they are saved:
 * it opens the sealed credentials and makes one harmless authenticated call to the provider (Twilio: the
 * account itself). The plain secrets never leave the gateway; the check travels sealed, on the internal API.
 */
@Component
class CredentialCheck {

    /** The channel service's verdict: empty when the credentials work, else the field and why not. */
    record Verdict(boolean ok, String field, String detail) {}

    /** The channel service could not be asked or could not ask the provider: nothing is saved. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Map<String, RestClient> services;

    CredentialCheck(ProviderProperties providers, GatewayProperties settings) {
        this.services = Map.of(
                "sms", client(providers.smsServiceUrl(), settings),
                "email", client(providers.emailServiceUrl(), settings),
                "push", client(providers.pushServiceUrl(), settings));
    }

    private static RestClient client(String baseUrl, GatewayProperties settings) {
        SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
        factory.setConnectTimeout(Duration.ofSeconds(2));
        // an SMTP relay's check may wait out its connect and login timeouts (5 + 10 s)
        factory.setReadTimeout(Duration.ofSeconds(20));
        return RestClient.builder()
                .requestFactory(factory)
                .baseUrl(baseUrl)
                .defaultHeader("X-Internal-Token", settings.internalToken())
                .build();
    }

    /** What is wrong with the account's credentials, if anything. */
    Optional<Verdict> refusal(ProviderAccountStore.Account account) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accountId", account.accountId());
        body.put("tenantId", account.tenantId());
        body.put("type", account.type());
        body.put("config", account.config());
        body.put("keyId", account.sealed().keyId());
        body.put(
                "wrappedKey",
                Base64.getEncoder().encodeToString(account.sealed().wrappedKey()));
        body.put("secret", Base64.getEncoder().encodeToString(account.sealed().ciphertext()));
        Verdict verdict;
        try {
            verdict = services.get(account.channel())
                    .post()
                    .uri("/internal/providers/check")
                    .body(body)
                    .retrieve()
                    .body(Verdict.class);
        } catch (RestClientException e) {
            throw new Unavailable("the " + account.channel() + " service could not check the credentials", e);
        }
        if (verdict == null) {
            throw new Unavailable("the " + account.channel() + " service gave no verdict", null);
        }
        return verdict.ok() ? Optional.empty() : Optional.of(verdict);
    }
}
