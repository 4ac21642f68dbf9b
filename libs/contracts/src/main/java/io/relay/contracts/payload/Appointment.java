package io.relay.contracts.payload;

import java.time.Instant;

/** An appointment a message is about: email attaches a calendar invite, SMS and push carry the link. */
public record Appointment(String id, String title, Instant start, Instant end, String location, String rescheduleUrl) {}
