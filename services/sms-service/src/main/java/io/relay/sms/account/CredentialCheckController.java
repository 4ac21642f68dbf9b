package io.relay.sms.account;

import com.twilio.exception.ApiException;
import com.twilio.http.NetworkHttpClient;
import com.twilio.rest.api.v2010.Account;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.security.SecretBox;
import io.relay.sms.send.TwilioSmsProvider;
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
 * For the gateway, before it saves a tenant's Twilio account ({@code /internal/**}: internal token): the
 * sealed credentials are opened here and Twilio is asked for the account itself, which changes nothing and
 * needs them to be right. 200 with {@code ok} and, when not, the field at fault; 503 when Twilio cannot say.
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
    private final NetworkHttpClient http;

    public CredentialCheckController(TenantAccounts accounts, NetworkHttpClient twilioHttpClient) {
        this.accounts = accounts;
        this.http = twilioHttpClient;
    }

    @PostMapping("/internal/providers/check")
    public ResponseEntity<?> check(@RequestBody Check check) {
        if (!"twilio".equals(check.type())) {
            return ResponseEntity.ok(verdict(false, "type", "the sms service checks twilio accounts only"));
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
        String accountSid = (String) check.config().get("accountSid");
        try {
            if (check.config().get("apiKeySid") != null) {
                // the auth token too: Twilio signs this account's webhooks with it, and a wrong one would
                // refuse every STOP sent to its numbers
                try {
                    Account.fetcher(accountSid)
                            .fetch(new com.twilio.http.TwilioRestClient.Builder(
                                            accountSid, account.secrets().get("authToken"))
                                    .httpClient(http)
                                    .build());
                } catch (ApiException e) {
                    if (e.getStatusCode() != null && (e.getStatusCode() == 401 || e.getStatusCode() == 403)) {
                        return ResponseEntity.ok(verdict(
                                false,
                                "secrets.authToken",
                                "Twilio refused the auth token for account " + accountSid + " (" + e.getStatusCode()
                                        + ")"));
                    }
                    throw e;
                }
            }
            Account found = Account.fetcher(accountSid).fetch(TwilioSmsProvider.client(account, http));
            if (found.getStatus() != null && found.getStatus() != Account.Status.ACTIVE) {
                return ResponseEntity.ok(
                        verdict(false, "config.accountSid", "the Twilio account is " + found.getStatus()));
            }
            return ResponseEntity.ok(verdict(true, null, null));
        } catch (ApiException e) {
            Integer status = e.getStatusCode();
            if (status != null && (status == 401 || status == 403 || status == 404)) {
                String field = check.config().get("apiKeySid") != null ? "secrets.apiKeySecret" : "secrets.authToken";
                return ResponseEntity.ok(verdict(
                        false,
                        field,
                        "Twilio refused these credentials for account " + accountSid + " (" + status + ")"));
            }
            return Problems.asText(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Unavailable",
                    "Twilio could not check them now (" + status + ")");
        } catch (RuntimeException e) {
            return Problems.asText(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Unavailable",
                    "Twilio could not be reached to check them");
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
