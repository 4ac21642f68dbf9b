package io.relay.email.account;

import io.relay.channel.accounts.TenantAccounts;
import io.relay.channel.email.EmailAccounts;
import io.relay.channel.email.EmailProvider;
import io.relay.contracts.payload.EmailDispatch;
import io.relay.email.send.SmtpMailer;
import io.relay.email.send.SmtpRelay;
import io.relay.security.OutboundTargets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The SMTP relays a tenant's email goes through: its own, in the order it set, then the platform's unless it
 * turned that off. Each relay keeps its own pool of connections, rebuilt when the account's version moves,
 * and is connected to only at a public address (PROVIDER_ALLOWED_HOSTS names a local run's exceptions).
 */
@Component
public class SmtpAccounts implements EmailAccounts {

    private record Built(long version, SmtpRelay relay, EmailProvider provider) {}

    private final TenantAccounts accounts;
    private final SmtpMailer mailer;
    private final OutboundTargets targets;
    private final Map<String, TenantAccounts.AccountRef> listed = new ConcurrentHashMap<>();
    private final Map<String, Built> built = new ConcurrentHashMap<>();

    public SmtpAccounts(TenantAccounts accounts, SmtpMailer mailer, OutboundTargets providerTargets) {
        this.accounts = accounts;
        this.mailer = mailer;
        this.targets = providerTargets;
    }

    @Override
    public List<String> order(String tenantId) {
        TenantAccounts.Route route = accounts.route(tenantId, "email");
        route.accounts().forEach(ref -> listed.put(ref.id(), ref));
        return route.order();
    }

    @Override
    public EmailProvider provider(String account) {
        TenantAccounts.AccountRef ref = listed.get(account);
        Built held = built.get(account);
        if (held != null && (ref == null || held.version() >= ref.version())) {
            return held.provider();
        }
        TenantAccounts.Opened opened = ref != null ? accounts.open(ref) : accounts.fetch(account);
        SmtpRelay relay = relay(opened, targets);
        String returnPathDomain = (String) opened.config().get("returnPathDomain");
        EmailProvider provider = new EmailProvider() {
            @Override
            public String name() {
                return "smtp";
            }

            @Override
            public String send(String tenantId, EmailDispatch email) {
                return mailer.send(relay, returnPathDomain, tenantId, email);
            }
        };
        Built previous = built.put(account, new Built(opened.version(), relay, provider));
        if (previous != null) {
            previous.relay().close(); // the old settings' connections
        }
        return provider;
    }

    /** A tenant's relay from its account: host, port, TLS mode, login. */
    static SmtpRelay relay(TenantAccounts.Opened account, OutboundTargets targets) {
        Map<String, Object> config = account.config();
        return new SmtpRelay(
                new SmtpRelay.Settings(
                        (String) config.get("host"),
                        ((Number) config.get("port")).intValue(),
                        SmtpRelay.Tls.valueOf(
                                ((String) config.getOrDefault("tls", "starttls")).toUpperCase(java.util.Locale.ROOT)),
                        (String) config.get("username"),
                        account.secrets().get("password")),
                targets);
    }
}
