package io.relay.sms.webhook;

import com.twilio.security.RequestValidator;
import io.relay.channel.accounts.TenantAccounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The tenants a webhook for a Twilio account other than the platform's concerns: those who connected the
 * account its {@code AccountSid} names, each checked with its own copy of the auth token. A STOP to a number
 * of a tenant's own account opts the customer out with that tenant (or tenants) only.
 */
@Component
public class WebhookAccounts {

    private final TenantAccounts accounts;

    public WebhookAccounts(TenantAccounts accounts) {
        this.accounts = accounts;
    }

    /** The tenants whose account with this SID signed the request; empty when none did. */
    public List<String> signedBy(String accountSid, String url, Map<String, String> posted, String signature) {
        List<String> tenants = new ArrayList<>();
        for (TenantAccounts.AccountRef ref : accounts.byTwilioAccountSid(accountSid)) {
            String token = accounts.open(ref).secrets().get("authToken");
            if (token != null
                    && new RequestValidator(token).validate(url, posted, signature)
                    && !tenants.contains(ref.tenantId())) {
                tenants.add(ref.tenantId());
            }
        }
        return tenants;
    }
}
