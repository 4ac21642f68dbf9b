package io.relay.channel.push;

import java.util.List;

/**
 * The push provider accounts (FCM projects) a tenant's notifications may go through: its own in its order,
 * then the platform's when it may be used. A device token works only with the project of the app it came
 * from, so a business's own app needs its own project here.
 */
public interface PushAccounts {

    /** The accounts to try for a tenant, in order (ids; {@code TenantAccounts.PLATFORM} for the platform's). */
    List<String> order(String tenantId);

    /** The provider for one of those accounts. */
    PushProvider provider(String account);
}
