package io.relay.email.bounce;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetHeaders;
import java.io.IOException;
import org.eclipse.angus.mail.dsn.DeliveryStatus;

/**
 * What a message in the bounce mailbox reports, read from its MIME structure: a delivery status
 * notification (RFC 3464, {@code multipart/report; report-type=delivery-status}, read with Angus's
 * {@link DeliveryStatus}) or a complaint (RFC 5965, its {@code message/feedback-report} part).
 */
final class Reports {

    private Reports() {}

    sealed interface Report {}

    /**
     * A delivery status for one recipient: {@code permanent} for Action {@code failed} with a 5.x.x
     * status; {@code recipient} is the Final-Recipient's address, or null.
     */
    record Bounce(boolean permanent, String recipient, String status, String diagnostic) implements Report {}

    /** A complaint: {@code feedbackType} as reported (abuse, fraud…), the recipient when not redacted. */
    record Complaint(String feedbackType, String recipient, String reportId) implements Report {}

    /** Not a report we read (an out-of-office reply, a human's answer). */
    record Other(String what) implements Report {}

    static Report read(Part message) throws MessagingException, IOException {
        Report found = find(message, message.getHeader("Message-ID"));
        return found != null ? found : new Other(message.getContentType());
    }

    private static Report find(Part part, String[] messageIds) throws MessagingException, IOException {
        if (part.isMimeType("message/delivery-status")) {
            return bounce(new DeliveryStatus(part.getInputStream()));
        }
        if (part.isMimeType("message/feedback-report")) {
            InternetHeaders report = new InternetHeaders(part.getInputStream());
            String type = report.getHeader("Feedback-Type", null);
            return new Complaint(
                    type == null ? "abuse" : type.strip(),
                    address(report.getHeader("Original-Rcpt-To", null)),
                    messageIds == null || messageIds.length == 0 ? null : messageIds[0]);
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                Report found = find(child, messageIds);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static Report bounce(DeliveryStatus status) {
        for (int i = 0; i < status.getRecipientDSNCount(); i++) {
            InternetHeaders recipient = status.getRecipientDSN(i);
            String action = value(recipient.getHeader("Action", null));
            String code = value(recipient.getHeader("Status", null));
            if (action == null || code == null) {
                continue;
            }
            boolean permanent = action.equalsIgnoreCase("failed") && code.startsWith("5");
            return new Bounce(
                    permanent,
                    address(recipient.getHeader("Final-Recipient", null)),
                    code,
                    value(recipient.getHeader("Diagnostic-Code", null)));
        }
        return new Other("a delivery status with no recipient's action");
    }

    /** {@code rfc822; ann@example.org} or a bare address → the address; null for none. */
    private static String address(String field) {
        String value = value(field);
        if (value == null) {
            return null;
        }
        int semicolon = value.indexOf(';');
        String address = (semicolon >= 0 ? value.substring(semicolon + 1) : value).strip();
        if (address.startsWith("<") && address.endsWith(">")) {
            address = address.substring(1, address.length() - 1);
        }
        return address.contains("@") ? address : null;
    }

    private static String value(String field) {
        return field == null || field.isBlank() ? null : field.strip();
    }
}
