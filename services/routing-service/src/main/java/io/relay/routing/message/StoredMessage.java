package io.relay.routing.message;

import java.time.Instant;

/** An accepted message as routing-service keeps it. */
public record StoredMessage(
        String tenantId,
        String id,
        MessageRequest request,
        Status status,
        String channel,
        java.util.List<String> addresses,
        Instant scheduledFor,
        java.util.List<String> triedChannels,
        Integer capMax,
        String capPer,
        String categoryKind,
        String smsFrom,
        String emailFrom,
        String smsCountries,
        String tenantTimeZone,
        Instant createdAt,
        Instant updatedAt,
        String traceparent) {

    /**
     * A message as it is stored {@code accepted} at {@code now} (to PostgreSQL's microseconds), with
     * what the tenant's settings said then (each null for the default).
     */
    public static StoredMessage accepted(
            String tenantId,
            String id,
            MessageRequest request,
            String smsFrom,
            String emailFrom,
            String smsCountries,
            String timeZone,
            String traceparent,
            Instant now) {
        Instant stored = now.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        return new StoredMessage(
                tenantId,
                id,
                request,
                Status.ACCEPTED,
                null,
                java.util.List.of(),
                null,
                java.util.List.of(),
                null,
                null,
                null,
                smsFrom,
                emailFrom,
                smsCountries,
                timeZone,
                stored,
                stored,
                traceparent);
    }

    /** This message as it is once {@code route} was recorded with its move to {@code status}. */
    public StoredMessage routed(Status status, String channel, Route route) {
        return new StoredMessage(
                tenantId,
                id,
                request,
                status,
                channel,
                route.addresses(),
                route.scheduledFor(),
                triedChannels,
                route.capMax(),
                route.capPer(),
                route.categoryKind(),
                smsFrom,
                emailFrom,
                smsCountries,
                tenantTimeZone,
                createdAt,
                route.dispatchedAt() != null ? route.dispatchedAt() : updatedAt,
                traceparent);
    }
}
