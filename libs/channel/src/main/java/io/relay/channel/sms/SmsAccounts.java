package io.relay.channel.sms;

import java.util.List;

/**
 * The SMS provider accounts a tenant's messages may go through: its own (issue 21) in its order, then the
 * platform's when it may be used. A service without tenants' own accounts has none of these: every SMS goes
 * through its one {@link SmsProvider}.
 */
public interface SmsAccounts {

    /** The accounts to try for a tenant, in order (ids; {@code TenantAccounts.PLATFORM} for the platform's). */
    List<String> order(String tenantId);

    /** The provider for one of those accounts. */
    SmsProvider provider(String account);
}
