package io.relay.push.account;

import io.relay.channel.accounts.OwnAccounts;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.channel.push.PushAccounts;
import io.relay.channel.push.PushProvider;
import io.relay.push.send.FcmProperties;
import io.relay.push.send.FcmPushProvider;
import io.relay.security.OutboundTargets;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The FCM projects a tenant's notifications go through: its own (its app's), in the order it set, then the
 * platform's unless it turned that off. Each project's provider, with its service account's credentials, is
 * rebuilt when the account's version moves.
 */
@Component
public class FcmAccounts implements PushAccounts {

    private final OwnAccounts<PushProvider> own;

    public FcmAccounts(TenantAccounts accounts, FcmProperties fcm, JsonMapper json, OutboundTargets providerTargets) {
        this.own = new OwnAccounts<>(
                accounts,
                "push",
                opened -> {
                    try {
                        return FcmPushProvider.forTenant(opened, fcm.apiBaseUrl(), json, providerTargets);
                    } catch (IllegalArgumentException e) {
                        // saved before the rules changed, or its token_uri now resolves inside: it cannot send
                        throw new io.relay.channel.ProviderMisconfigured("service-account", e.getMessage(), null);
                    }
                },
                retired -> {});
    }

    @Override
    public List<String> order(String tenantId) {
        return own.order(tenantId);
    }

    @Override
    public PushProvider provider(String account) {
        return own.provider(account);
    }
}
