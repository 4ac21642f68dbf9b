package io.relay.channel.email;

import biweekly.Biweekly;
import biweekly.ICalendar;
import biweekly.component.VEvent;
import biweekly.parameter.ParticipationLevel;
import biweekly.property.Attendee;
import biweekly.property.CalendarScale;
import biweekly.property.Method;
import biweekly.property.Organizer;
import biweekly.property.Status;
import io.relay.contracts.payload.Appointment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/**
 * An RFC 5545 invitation (METHOD:REQUEST) for an appointment, so mail clients offer "add to calendar".
 * Written by biweekly, which escapes every value (a line break in any of them stays inside it, so no
 * value can add a property of its own); lines are then folded at 75 octets, as the RFC counts. The UID
 * is stable per appointment, so a later message about the same appointment updates the entry instead of
 * adding another. Times are UTC. Plain Java, no I/O.
 */
public final class CalendarInvite {

    private CalendarInvite() {}

    public static String request(Appointment appointment, String organizer, String attendee, Instant now) {
        ICalendar calendar = new ICalendar();
        calendar.setProductId("-//Relay//Appointment//EN");
        calendar.setCalendarScale(CalendarScale.gregorian());
        calendar.setMethod(Method.request());
        VEvent event = new VEvent();
        event.setUid(appointment.id() + "@relay");
        event.setDateTimeStamp(Date.from(now));
        event.setSequence((int) Math.min(Integer.MAX_VALUE, now.getEpochSecond())); // later updates win
        if (appointment.start() != null) {
            event.setDateStart(Date.from(appointment.start()));
        }
        if (appointment.end() != null) {
            event.setDateEnd(Date.from(appointment.end()));
        }
        event.setSummary(appointment.title() == null ? "Appointment" : appointment.title());
        if (appointment.location() != null) {
            event.setLocation(appointment.location());
        }
        if (appointment.rescheduleUrl() != null) {
            event.setUrl(appointment.rescheduleUrl());
            event.setDescription("To reschedule: " + appointment.rescheduleUrl());
        }
        event.setOrganizer(new Organizer(null, organizer));
        Attendee guest = new Attendee(null, attendee);
        guest.setRsvp(false);
        guest.setParticipationLevel(ParticipationLevel.REQUIRED);
        event.addAttendee(guest);
        event.setStatus(Status.confirmed());
        calendar.addEvent(event);
        return folded(Biweekly.write(calendar).foldLines(false).go());
    }

    /** Lines end in CRLF and are folded at 75 octets, continuing with a space (RFC 5545, 3.1). */
    private static String folded(String unfolded) {
        StringBuilder ics = new StringBuilder(unfolded.length() + 64);
        for (String content : unfolded.split("\r\n")) {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            int start = 0;
            boolean first = true;
            while (start < bytes.length) {
                int end = Math.min(bytes.length, start + (first ? 75 : 74));
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
        return ics.toString();
    }
}
