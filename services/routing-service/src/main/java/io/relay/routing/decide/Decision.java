package io.relay.routing.decide;

/** What routing decided for a message, with the reason that goes on its timeline. */
public sealed interface Decision {

    String reason();

    /** Send now on {@code channel} to {@code address}. */
    record Send(String channel, String address, String reason) implements Decision {}

    /** Do not send at all. */
    record Suppress(String reason) implements Decision {}
}
