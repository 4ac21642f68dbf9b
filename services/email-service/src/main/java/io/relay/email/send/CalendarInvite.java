package io.relay.email.send;

import io.relay.contracts.payload.Appointment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * An RFC 5545 invitation (METHOD:REQUEST) for an appointment, so mail clients offer "add to
 * calendar". The UID is stable per appointment, so a later message about the same appointment
 * updates the entry instead of adding another. Times are UTC. Plain Java, no I/O.
 */
public final class CalendarInvite {

    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private CalendarInvite() {}

    public static String request(Appointment appointment, String organizer, String attendee, Instant now) {
        StringBuilder ics = new StringBuilder();
        line(ics, "BEGIN:VCALENDAR");
        line(ics, "PRODID:-//Relay//Appointment//EN");
        line(ics, "VERSION:2.0");
        line(ics, "CALSCALE:GREGORIAN");
        line(ics, "METHOD:REQUEST");
        line(ics, "BEGIN:VEVENT");
        line(ics, "UID:" + text(appointment.id()) + "@relay");
        line(ics, "DTSTAMP:" + UTC.format(now));
        line(ics, "SEQUENCE:" + now.getEpochSecond()); // later updates win
        if (appointment.start() != null) {
            line(ics, "DTSTART:" + UTC.format(appointment.start()));
        }
        if (appointment.end() != null) {
            line(ics, "DTEND:" + UTC.format(appointment.end()));
        }
        line(ics, "SUMMARY:" + text(appointment.title() == null ? "Appointment" : appointment.title()));
        if (appointment.location() != null) {
            line(ics, "LOCATION:" + text(appointment.location()));
        }
        if (appointment.rescheduleUrl() != null) {
            line(ics, "URL:" + appointment.rescheduleUrl());
            line(ics, "DESCRIPTION:" + text("To reschedule: " + appointment.rescheduleUrl()));
        }
        line(ics, "ORGANIZER:mailto:" + organizer);
        line(ics, "ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:" + attendee);
        line(ics, "STATUS:CONFIRMED");
        line(ics, "END:VEVENT");
        line(ics, "END:VCALENDAR");
        return ics.toString();
    }

    /** TEXT values escape backslash, semicolon, comma and newlines (RFC 5545, 3.3.11). */
    static String text(String value) {
        return value.replace("\\", "\\\\")
                .replace(";", "\\;")
                .replace(",", "\\,")
                .replace("\r\n", "\\n")
                .replace("\n", "\\n");
    }

    /** Lines end in CRLF and are folded at 75 octets, continuing with a space (RFC 5545, 3.1). */
    private static void line(StringBuilder ics, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        boolean first = true;
        while (start < bytes.length) {
            int limit = first ? 75 : 74;
            int end = Math.min(bytes.length, start + limit);
            while (end < bytes.length && (bytes[end] & 0xC0) == 0x80) {
                end--; // never split a UTF-8 character
            }
            ics.append(first ? "" : " ")
                    .append(new String(bytes, start, end - start, StandardCharsets.UTF_8))
                    .append("\r\n");
            start = end;
            first = false;
        }
    }
}
