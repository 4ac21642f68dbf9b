package io.relay.routing.decide;

/** What routing decided for a message, with the reason that goes on its timeline. */
public sealed interface Decision {

    String reason();

    /** Send on {@code channel} to {@code addresses} (one, or several push tokens). */
    record Send(String channel, java.util.List<String> addresses, String reason) implements Decision {}

    /** Do not send at all. */
    record Suppress(String reason) implements Decision {}
}
