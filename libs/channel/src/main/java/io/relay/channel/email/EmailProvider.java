package io.relay.channel.email;

import io.relay.channel.ProviderRefused;
import io.relay.channel.ProviderTrouble;
import io.relay.contracts.payload.EmailDispatch;

/** One email provider (an SMTP relay today). Its adapter builds what the provider takes and sorts its answers. */
public interface EmailProvider {

    /** The provider's name in metrics and logs. */
    String name();

    /**
     * Sends one email and returns the provider's id for it (the Message-ID for SMTP).
     *
     * @throws ProviderRefused for good (a 5xx for that address)
     * @throws ProviderTrouble when trying again may help (4xx, connection trouble)
     */
    String send(String tenantId, EmailDispatch email);
}
