package io.relay.push.account;

import com.google.auth.oauth2.GoogleCredentials;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.push.send.FcmPushProvider;
import io.relay.security.OutboundTargets;
import io.relay.security.SecretBox;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * For the gateway, before it saves a tenant's FCM project ({@code /internal/**}: internal token): the sealed
 * service account is opened here and an OAuth2 access token is asked for with it, which sends nothing and
 * needs its key to be right. 200 with {@code ok} and, when not, the field at fault.
 */
@RestController
public class FcmCredentialCheck {

    /** What the gateway sends: the account's settings and its credentials, sealed. */
    public record Check(
            String accountId,
            String tenantId,
            String type,
            Map<String, Object> config,
            String keyId,
            String wrappedKey,
            String secret) {}

    private final TenantAccounts accounts;
    private final OutboundTargets targets;
    private final JsonMapper json;

    public FcmCredentialCheck(TenantAccounts accounts, OutboundTargets providerTargets, JsonMapper json) {
        this.accounts = accounts;
        this.targets = providerTargets;
        this.json = json;
    }

    @PostMapping("/internal/providers/check")
    public ResponseEntity<Map<String, Object>> check(@RequestBody Check check) {
        if (!"fcm".equals(check.type())) {
            return ResponseEntity.ok(verdict(false, "type", "the push service checks fcm projects only"));
        }
        TenantAccounts.Opened account = accounts.openSealed(
                check.accountId(),
                check.tenantId(),
                check.type(),
                check.config(),
                new SecretBox.Sealed(
                        check.keyId(),
                        Base64.getDecoder().decode(check.wrappedKey()),
                        Base64.getDecoder().decode(check.secret())));
        GoogleCredentials credentials;
        try {
            credentials = FcmPushProvider.tenantCredentials(account.secrets().get("serviceAccountJson"), json, targets);
        } catch (IllegalArgumentException e) {
            return ResponseEntity.ok(verdict(false, "secrets.serviceAccountJson", e.getMessage()));
        }
        try {
            FcmPushProvider.checkToken(credentials);
            return ResponseEntity.ok(verdict(true, null, null));
        } catch (IOException e) {
            return ResponseEntity.ok(
                    verdict(false, "secrets.serviceAccountJson", "its token_uri gave no access token for this key"));
        }
    }

    private static Map<String, Object> verdict(boolean ok, String field, String detail) {
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("ok", ok);
        if (field != null) {
            verdict.put("field", field);
            verdict.put("detail", detail);
        }
        return verdict;
    }
}
