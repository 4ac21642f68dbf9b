package io.relay.sms.account;

import com.twilio.http.NetworkHttpClient;
import io.relay.channel.accounts.OwnAccounts;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.channel.sms.SmsAccounts;
import io.relay.channel.sms.SmsProvider;
import io.relay.sms.send.TwilioSmsProvider;
import io.relay.web.WebProperties;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The Twilio accounts a tenant's SMS go through: its own, in the order it set, then the platform's unless it
 * turned that off. Each own account becomes a {@link TwilioSmsProvider} with its credentials, sharing the
 * one connection pool, rebuilt when the account's version moves.
 */
@Component
public class TwilioAccounts implements SmsAccounts {

    private final OwnAccounts<SmsProvider> own;

    public TwilioAccounts(TenantAccounts accounts, NetworkHttpClient twilioHttpClient, WebProperties web) {
        this.own = new OwnAccounts<>(
                accounts,
                "sms",
                opened -> TwilioSmsProvider.forTenant(opened, web.publicBaseUrl(), twilioHttpClient),
                retired -> {});
    }

    @Override
    public List<String> order(String tenantId) {
        return own.order(tenantId);
    }

    @Override
    public SmsProvider provider(String account) {
        return own.provider(account);
    }
}
