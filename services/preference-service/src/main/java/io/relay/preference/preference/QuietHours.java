package io.relay.preference.preference;

/** Local wall-clock times ({@code HH:mm}) in the customer's zone; may wrap midnight (22:00-07:30). */
public record QuietHours(String start, String end) {}
