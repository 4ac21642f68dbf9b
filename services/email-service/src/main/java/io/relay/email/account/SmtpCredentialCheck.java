package io.relay.email.account;

import io.relay.channel.accounts.TenantAccounts;
import io.relay.email.send.SmtpRelay;
import io.relay.security.OutboundTargets;
import io.relay.security.SecretBox;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * For the gateway, before it saves a tenant's SMTP relay ({@code /internal/**}: internal token): the sealed
 * credentials are opened here, and the relay is connected to and logged in to, then left without sending
 * anything. 200 with {@code ok} and, when not, the field at fault.
 */
@RestController
public class SmtpCredentialCheck {

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

    public SmtpCredentialCheck(TenantAccounts accounts, OutboundTargets providerTargets) {
        this.accounts = accounts;
        this.targets = providerTargets;
    }

    @PostMapping("/internal/providers/check")
    public ResponseEntity<Map<String, Object>> check(@RequestBody Check check) {
        if (!"smtp".equals(check.type())) {
            return ResponseEntity.ok(verdict(false, "type", "the email service checks smtp relays only"));
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
        try {
            SmtpAccounts.relay(account, targets).check();
            return ResponseEntity.ok(verdict(true, null, null));
        } catch (AuthenticationFailedException e) {
            return ResponseEntity.ok(verdict(false, "secrets.password", "the relay refused this login (535)"));
        } catch (SmtpRelay.NotConnected e) {
            return ResponseEntity.ok(verdict(false, "config.host", e.getMessage()));
        } catch (MessagingException e) {
            return ResponseEntity.ok(
                    verdict(false, "config.tls", "the relay could not be spoken to with these settings"));
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
