package io.relay.channel.email;

import java.util.List;

/**
 * The email provider accounts (SMTP relays) a tenant's messages may go through: its own in its order, then
 * the platform's when it may be used. Without these every email goes through the service's one
 * {@link EmailProvider}.
 */
public interface EmailAccounts {

    /** The accounts to try for a tenant, in order (ids; {@code TenantAccounts.PLATFORM} for the platform's). */
    List<String> order(String tenantId);

    /** The provider for one of those accounts. */
    EmailProvider provider(String account);
}
