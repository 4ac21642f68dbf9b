package io.relay.sms.account;

import com.twilio.http.NetworkHttpClient;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.channel.sms.SmsAccounts;
import io.relay.channel.sms.SmsProvider;
import io.relay.sms.send.TwilioSmsProvider;
import io.relay.web.WebProperties;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The Twilio accounts a tenant's SMS go through: its own, in the order it set, then the platform's unless it
 * turned that off. Each own account becomes a {@link TwilioSmsProvider} with its credentials, rebuilt when
 * the account's version moves.
 */
@Component
public class TwilioAccounts implements SmsAccounts {

    private record Built(long version, SmsProvider provider) {}

    private final TenantAccounts accounts;
    private final NetworkHttpClient http;
    private final String publicBaseUrl;
    /** The last listed version of each account, so a changed one is fetched and built again. */
    private final Map<String, TenantAccounts.AccountRef> listed = new ConcurrentHashMap<>();

    private final Map<String, Built> built = new ConcurrentHashMap<>();

    public TwilioAccounts(TenantAccounts accounts, NetworkHttpClient twilioHttpClient, WebProperties web) {
        this.accounts = accounts;
        this.http = twilioHttpClient;
        this.publicBaseUrl = web.publicBaseUrl();
    }

    @Override
    public List<String> order(String tenantId) {
        TenantAccounts.Route route = accounts.route(tenantId, "sms");
        route.accounts().forEach(ref -> listed.put(ref.id(), ref));
        return route.order();
    }

    @Override
    public SmsProvider provider(String account) {
        TenantAccounts.AccountRef ref = listed.get(account);
        Built held = built.get(account);
        if (held != null && (ref == null || held.version() >= ref.version())) {
            return held.provider();
        }
        TenantAccounts.Opened opened = ref != null ? accounts.open(ref) : accounts.fetch(account);
        Built fresh = new Built(opened.version(), TwilioSmsProvider.forTenant(opened, publicBaseUrl, http));
        built.put(account, fresh);
        return fresh.provider();
    }
}
