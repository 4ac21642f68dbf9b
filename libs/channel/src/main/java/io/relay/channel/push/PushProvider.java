package io.relay.channel.push;

import io.relay.channel.ProviderRefused;
import io.relay.channel.ProviderTrouble;
import java.time.Instant;
import java.util.Map;

/** One push provider (FCM HTTP v1 today), one token per call. */
public interface PushProvider {

    /** One notification for one device token; {@code expiresAt} (nullable) becomes the platforms' TTL. */
    record Push(String token, String title, String body, Map<String, String> data, Instant expiresAt, Instant now) {}

    /** The provider's name in metrics and logs. */
    String name();

    /**
     * Sends one notification and returns the provider's id for it.
     *
     * @throws ProviderRefused for good; a dead token with the contact effect PUSH_TOKEN_INVALID
     * @throws ProviderTrouble when trying again may help, with the wait the provider asked for
     */
    String send(Push push);
}
