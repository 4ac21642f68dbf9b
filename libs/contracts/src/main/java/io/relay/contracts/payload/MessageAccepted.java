package io.relay.contracts.payload;

/**
 * routing-service accepted a message; the routing consumer decides what happens to it. The message
 * itself is read from routing-service's own store by id, so this stays small.
 */
public record MessageAccepted(String messageId, String customerId, String category) {}
