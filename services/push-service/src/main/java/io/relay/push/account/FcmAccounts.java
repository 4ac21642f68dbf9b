package io.relay.push.account;

import io.relay.channel.accounts.TenantAccounts;
import io.relay.channel.push.PushAccounts;
import io.relay.channel.push.PushProvider;
import io.relay.push.send.FcmProperties;
import io.relay.push.send.FcmPushProvider;
import io.relay.security.OutboundTargets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The FCM projects a tenant's notifications go through: its own (its app's), in the order it set, then the
 * platform's unless it turned that off. Each project's provider, with its service account's credentials, is
 * rebuilt when the account's version moves.
 */
@Component
public class FcmAccounts implements PushAccounts {

    private record Built(long version, PushProvider provider) {}

    private final TenantAccounts accounts;
    private final FcmProperties fcm;
    private final JsonMapper json;
    private final OutboundTargets targets;
    private final Map<String, TenantAccounts.AccountRef> listed = new ConcurrentHashMap<>();
    private final Map<String, Built> built = new ConcurrentHashMap<>();

    public FcmAccounts(TenantAccounts accounts, FcmProperties fcm, JsonMapper json, OutboundTargets providerTargets) {
        this.accounts = accounts;
        this.fcm = fcm;
        this.json = json;
        this.targets = providerTargets;
    }

    @Override
    public List<String> order(String tenantId) {
        TenantAccounts.Route route = accounts.route(tenantId, "push");
        route.accounts().forEach(ref -> listed.put(ref.id(), ref));
        return route.order();
    }

    @Override
    public PushProvider provider(String account) {
        TenantAccounts.AccountRef ref = listed.get(account);
        Built held = built.get(account);
        if (held != null && (ref == null || held.version() >= ref.version())) {
            return held.provider();
        }
        TenantAccounts.Opened opened = ref != null ? accounts.open(ref) : accounts.fetch(account);
        PushProvider provider;
        try {
            provider = FcmPushProvider.forTenant(opened, fcm.apiBaseUrl(), json, targets);
        } catch (IllegalArgumentException e) {
            // saved before the rules changed, or its token_uri now resolves inside: it cannot send
            throw new io.relay.channel.ProviderMisconfigured("service-account", e.getMessage(), null);
        }
        built.put(account, new Built(opened.version(), provider));
        return provider;
    }
}
