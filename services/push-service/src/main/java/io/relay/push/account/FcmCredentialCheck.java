package io.relay.push.account;

import com.google.auth.oauth2.GoogleCredentials;
import io.relay.channel.accounts.CredentialCheck;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.push.send.FcmPushProvider;
import io.relay.security.OutboundTargets;
import java.io.IOException;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tenant's FCM project is checked by asking its service account's token_uri for an access token, which
 * sends nothing and needs the key to be right; a token_uri inside our walls is never called.
 */
@Component
public class FcmCredentialCheck implements CredentialCheck {

    private final OutboundTargets targets;
    private final JsonMapper json;

    public FcmCredentialCheck(OutboundTargets providerTargets, JsonMapper json) {
        this.targets = providerTargets;
        this.json = json;
    }

    @Override
    public String type() {
        return "fcm";
    }

    @Override
    public Optional<Refusal> refusal(TenantAccounts.Opened account) {
        GoogleCredentials credentials;
        try {
            credentials = FcmPushProvider.tenantCredentials(account.secrets().get("serviceAccountJson"), json, targets);
        } catch (IllegalArgumentException e) {
            return Optional.of(new Refusal("secrets.serviceAccountJson", e.getMessage()));
        }
        try {
            FcmPushProvider.checkToken(credentials);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(
                    new Refusal("secrets.serviceAccountJson", "its token_uri gave no access token for this key"));
        }
    }
}
