package io.relay.contracts.payload;

import java.time.Instant;

/** A message's status changed: what the tenant's status webhook receives. */
public record StatusChanged(String id, String status, String channel, Instant at, String reason) {}
