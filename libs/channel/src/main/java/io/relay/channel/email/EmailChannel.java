package io.relay.channel.email;

import io.relay.channel.Delivery;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.contracts.Channel;
import io.relay.contracts.payload.EmailDispatch;
import java.time.Instant;
import java.util.List;

/**
 * The email channel over any {@link EmailProvider}: one recipient. An SMTP server cannot be asked
 * what it already took, so an attempt cut short by a crash is sent again once its lease ran out.
 */
public final class EmailChannel implements Delivery<EmailDispatch> {

    private final EmailProvider provider;
    private final EmailAccounts accounts;

    public EmailChannel(EmailProvider provider) {
        this(provider, null);
    }

    /** Through the tenant's own relays in its order when {@code accounts} is given. */
    public EmailChannel(EmailProvider provider, EmailAccounts accounts) {
        this.provider = provider;
        this.accounts = accounts;
    }

    @Override
    public List<String> accounts(String tenantId) {
        return accounts == null ? List.of(TenantAccounts.PLATFORM) : accounts.order(tenantId);
    }

    @Override
    public String send(String account, String tenantId, EmailDispatch email, String to, Instant now) {
        EmailProvider through =
                accounts == null || TenantAccounts.PLATFORM.equals(account) ? provider : accounts.provider(account);
        return through.send(tenantId, email);
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    @Override
    public Class<EmailDispatch> dispatchType() {
        return EmailDispatch.class;
    }

    @Override
    public String provider() {
        return provider.name();
    }

    @Override
    public boolean marketing(EmailDispatch email) {
        return email.marketing();
    }

    @Override
    public List<String> recipients(EmailDispatch email) {
        return List.of(email.to());
    }

    @Override
    public String send(String tenantId, EmailDispatch email, String to, Instant now) {
        return provider.send(tenantId, email);
    }
}
