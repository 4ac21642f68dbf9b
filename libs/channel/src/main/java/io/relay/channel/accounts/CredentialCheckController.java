package io.relay.channel.accounts;

import io.relay.security.SecretBox;
import io.relay.web.Problems;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * For the gateway, before it saves a tenant's account ({@code /internal/**}: internal token): the sealed
 * credentials are opened here, never sent in the clear, and the service's {@link CredentialCheck} asks the
 * provider. 200 with {@code ok} and, when not, the field at fault; 503 when the provider cannot say.
 */
@RestController
public class CredentialCheckController {

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
    private final CredentialCheck check;

    public CredentialCheckController(TenantAccounts accounts, CredentialCheck check) {
        this.accounts = accounts;
        this.check = check;
    }

    @PostMapping("/internal/providers/check")
    public ResponseEntity<?> check(@RequestBody Check request) {
        if (!check.type().equals(request.type())) {
            return ResponseEntity.ok(verdict(false, "type", "this service checks " + check.type() + " accounts only"));
        }
        TenantAccounts.Opened account = accounts.openSealed(
                request.accountId(),
                request.tenantId(),
                request.type(),
                request.config(),
                new SecretBox.Sealed(
                        request.keyId(),
                        Base64.getDecoder().decode(request.wrappedKey()),
                        Base64.getDecoder().decode(request.secret())));
        try {
            return ResponseEntity.ok(check.refusal(account)
                    .map(refusal -> verdict(false, refusal.field(), refusal.detail()))
                    .orElseGet(() -> verdict(true, null, null)));
        } catch (CredentialCheck.Unavailable e) {
            return Problems.asText(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Unavailable", e.getMessage());
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
