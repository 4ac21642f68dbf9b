package io.relay.routing.message;

import io.relay.contracts.payload.StatusChanged;

/**
 * A message moved to another status: raised by the stores inside the change, heard after it commits
 * by whoever cares (the status webhook, the metrics). The stores know nobody who listens.
 */
public record StatusChange(String tenantId, StatusChanged change) {

    public static StatusChange of(String tenantId, String id, String status, String channel, TimelineEntry entry) {
        return new StatusChange(tenantId, new StatusChanged(id, status, channel, entry.at(), entry.reason()));
    }
}
