package io.relay.email.account;

import io.relay.channel.accounts.OwnAccounts;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.channel.email.EmailAccounts;
import io.relay.channel.email.EmailProvider;
import io.relay.contracts.payload.EmailDispatch;
import io.relay.email.send.SmtpMailer;
import io.relay.email.send.SmtpRelay;
import io.relay.security.OutboundTargets;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The SMTP relays a tenant's email goes through: its own, in the order it set, then the platform's unless it
 * turned that off. Each relay keeps its own pool of connections, closed when the account's version moves,
 * and is connected to only at a public address (PROVIDER_ALLOWED_HOSTS names a local run's exceptions).
 */
@Component
public class SmtpAccounts implements EmailAccounts {

    /** One tenant relay as the channel's provider: the mailer's MIME, the relay's connections. */
    private record RelayProvider(SmtpMailer mailer, SmtpRelay relay, String returnPathDomain) implements EmailProvider {
        @Override
        public String name() {
            return "smtp";
        }

        @Override
        public String send(String tenantId, EmailDispatch email) {
            return mailer.send(relay, returnPathDomain, tenantId, email);
        }
    }

    private final OwnAccounts<EmailProvider> own;

    public SmtpAccounts(TenantAccounts accounts, SmtpMailer mailer, OutboundTargets providerTargets) {
        this.own = new OwnAccounts<>(
                accounts,
                "email",
                opened -> new RelayProvider(mailer, relay(opened, providerTargets), (String)
                        opened.config().get("returnPathDomain")),
                retired -> ((RelayProvider) retired).relay().close());
    }

    @Override
    public List<String> order(String tenantId) {
        return own.order(tenantId);
    }

    @Override
    public EmailProvider provider(String account) {
        return own.provider(account);
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
