package io.relay.email.send;

import io.relay.channel.ProviderRefused;
import io.relay.channel.ProviderTrouble;
import io.relay.channel.email.CalendarInvite;
import io.relay.channel.email.EmailProvider;
import io.relay.contracts.Channel;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.EmailDispatch;
import io.relay.links.LinkUrls;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.util.Date;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/** SMTP as the {@link EmailProvider}: builds the MIME message and hands it to the server with Jakarta Mail. */
@Component
public class SmtpMailer implements EmailProvider {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SmtpMailer.class);

    static {
        // Jakarta Mail 2.1 looks its StreamProvider up anew for every multipart and body part built, and
        // without this property that is a ServiceLoader scan of the whole jar: 39% of email-service's
        // CPU under load (JFR, 80 msg/s). Named, it is one Class.forName of a class already loaded.
        System.getProperties()
                .putIfAbsent("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }

    private final SmtpRelay platform;
    private final String defaultFrom;
    private final Clock clock;

    private final LinkUrls links;
    private final String unsubscribeMailto;
    private final io.relay.email.bounce.ReturnPaths returnPaths;

    public SmtpMailer(
            SmtpProperties smtp,
            EmailProperties email,
            Clock clock,
            LinkUrls links,
            io.relay.email.bounce.ReturnPaths returnPaths) {
        this.returnPaths = returnPaths;
        this.defaultFrom = email.from();
        this.clock = clock;
        this.links = links;
        this.unsubscribeMailto = email.unsubscribeMailto();
        this.platform = new SmtpRelay(
                new SmtpRelay.Settings(
                        smtp.host(),
                        smtp.port(),
                        smtp.starttls() ? SmtpRelay.Tls.STARTTLS : SmtpRelay.Tls.NONE,
                        smtp.username(),
                        smtp.password()),
                null);
        log.info("sending email through {}", smtp);
    }

    @Override
    public String name() {
        return "smtp";
    }

    /**
     * Sends and returns the Message-ID. The Message-ID is derived from our message id, so a receiving
     * system can recognise the same message should it ever arrive twice. A 5xx is a refusal for that
     * address; a 4xx or connection trouble is worth retrying.
     */
    @Override
    public String send(String tenantId, EmailDispatch email) {
        return send(platform, null, tenantId, email);
    }

    /**
     * The same through {@code relay} (a tenant's own), with a return path at {@code returnPathDomain} when
     * given. A failure before the relay was connected to, or one it answered, means it did not take the
     * message (another relay may be tried); a connection lost while it had the message is an unknown
     * outcome, retried on the same relay after the sending lease.
     */
    public String send(SmtpRelay relay, String returnPathDomain, String tenantId, EmailDispatch email) {
        try {
            MimeMessage mime = build(relay, returnPathDomain, tenantId, email);
            try {
                relay.send(mime);
            } catch (MessagingException e) {
                throw classify(e);
            }
            return mime.getMessageID();
        } catch (RejectedException e) {
            // 550/551/553 for the recipient: the address itself is dead (a hard bounce at the door)
            throw new ProviderRefused(
                    "smtp-" + e.code(),
                    "the SMTP server refused the message",
                    e.addressDead() ? ContactEvent.Kind.EMAIL_BOUNCED : null);
        } catch (jakarta.mail.AuthenticationFailedException e) {
            // our login, not the message: it waits (or goes to the tenant's next relay) and the alarm counts
            throw new io.relay.channel.ProviderMisconfigured("535", "the SMTP relay refuses our credentials", e);
        } catch (SmtpRelay.NotConnected e) {
            throw ProviderTrouble.answered(e.getMessage(), e, null);
        } catch (MessagingException e) {
            if (lostWhileSending(e)) {
                throw ProviderTrouble.unanswered("the SMTP connection was lost while it had the message", e);
            }
            throw ProviderTrouble.answered(e.getMessage(), e, null);
        }
    }

    /** The server went silent or away after the message was handed over: it may have taken it. */
    private static boolean lostWhileSending(MessagingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.SocketTimeoutException
                    || (cause instanceof java.net.SocketException && !(cause instanceof java.net.ConnectException))) {
                return true;
            }
        }
        return false;
    }

    /** 5xx from the server is permanent for that address; 4xx and connection trouble are worth retrying. */
    private static MessagingException classify(MessagingException e) {
        if (e instanceof SMTPAddressFailedException address) {
            return permanentOrRetry(address.getReturnCode(), e, true);
        }
        if (e instanceof SMTPSendFailedException failed) {
            return permanentOrRetry(failed.getReturnCode(), e, false);
        }
        if (e instanceof jakarta.mail.SendFailedException
                && e.getNextException() instanceof SMTPAddressFailedException address) {
            return permanentOrRetry(address.getReturnCode(), e, true);
        }
        return e;
    }

    @jakarta.annotation.PreDestroy
    void closeConnections() {
        platform.close();
    }

    MimeMessage build(String tenantId, EmailDispatch email) throws MessagingException {
        return build(platform, null, tenantId, email);
    }

    private MimeMessage build(SmtpRelay relay, String returnPathDomain, String tenantId, EmailDispatch email)
            throws MessagingException {
        StableIdMimeMessage mime = new StableIdMimeMessage(relay.session(), "<" + email.messageId() + "@relay>");
        if (returnPathDomain != null || returnPaths.enabled()) {
            // VERP: a bounce or complaint comes back to an address that names this message
            mime.setEnvelopeFrom(returnPaths.returnPath(tenantId, email, returnPathDomain));
        }
        InternetAddress from = address(email.from() == null ? defaultFrom : email.from());
        mime.setFrom(from);
        mime.setRecipient(Message.RecipientType.TO, address(email.to()));
        mime.setSubject(email.subject(), "UTF-8");
        mime.setSentDate(Date.from(clock.instant()));
        String preferences = links.preferences(tenantId, email.customerId()).url();
        String unsubscribe = null;
        if (email.marketing()) {
            // RFC 8058: one click in the mail client, no page to visit
            unsubscribe = links.unsubscribe(tenantId, email.customerId(), email.category(), Channel.EMAIL.wireName())
                    .url();
            String header = "<" + unsubscribe + ">";
            if (unsubscribeMailto != null && !unsubscribeMailto.isBlank()) {
                header += ", <mailto:" + unsubscribeMailto + "?subject=unsubscribe%20" + email.category() + ">";
            }
            mime.setHeader("List-Unsubscribe", header);
            mime.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        MimeMultipart alternative = new MimeMultipart("alternative");
        if (email.text() != null) {
            MimeBodyPart text = new MimeBodyPart();
            text.setText(email.text() + textFooter(preferences, unsubscribe), "UTF-8", "plain");
            alternative.addBodyPart(text);
        }
        if (email.html() != null) {
            MimeBodyPart html = new MimeBodyPart();
            html.setText(withHtmlFooter(email.html(), preferences, unsubscribe), "UTF-8", "html");
            alternative.addBodyPart(html);
        }
        if (email.appointment() != null) {
            MimeBodyPart invite = new MimeBodyPart();
            invite.setContent(
                    CalendarInvite.request(email.appointment(), from.getAddress(), email.to(), clock.instant()),
                    "text/calendar; method=REQUEST; charset=UTF-8");
            invite.setHeader("Content-Transfer-Encoding", "quoted-printable");
            alternative.addBodyPart(invite);
        }
        mime.setContent(alternative);
        mime.saveChanges();
        return mime;
    }

    private static String textFooter(String preferences, String unsubscribe) {
        return "\n\n--\nHow we contact you: " + preferences
                + (unsubscribe == null ? "" : "\nUnsubscribe from these emails: " + unsubscribe);
    }

    /** A footer with the preference centre (and unsubscribe for marketing), inside the body if there is one. */
    private static String withHtmlFooter(String html, String preferences, String unsubscribe) {
        String footer = "<hr><p style=\"font-size:13px;color:#444\">How we contact you: <a href=\""
                + HtmlUtils.htmlEscape(preferences) + "\">your preferences</a>"
                + (unsubscribe == null
                        ? ""
                        : " · <a href=\"" + HtmlUtils.htmlEscape(unsubscribe) + "\">unsubscribe</a>")
                + "</p>";
        int body = html.toLowerCase(java.util.Locale.ROOT).lastIndexOf("</body>");
        return body < 0 ? html + footer : html.substring(0, body) + footer + html.substring(body);
    }

    private static InternetAddress address(String address) throws MessagingException {
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            // re-encode the display name so non-ASCII names survive (RFC 2047)
            return parsed.getPersonal() == null
                    ? parsed
                    : new InternetAddress(parsed.getAddress(), parsed.getPersonal(), "UTF-8");
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("cannot encode " + address, e);
        }
    }

    private static MessagingException permanentOrRetry(int code, MessagingException e, boolean forRecipient) {
        return code >= 500 ? new RejectedException(code, forRecipient, e) : e;
    }

    /** The server refused the message for good; {@code forRecipient} when it was the RCPT it refused. */
    static final class RejectedException extends MessagingException {
        private final int code;
        private final boolean forRecipient;

        RejectedException(int code, boolean forRecipient, Exception cause) {
            super("SMTP " + code + ": " + cause.getMessage(), cause);
            this.code = code;
            this.forRecipient = forRecipient;
        }

        public int code() {
            return code;
        }

        /** No such mailbox (550), not local (551), a malformed address (553): the address, not the message. */
        boolean addressDead() {
            return forRecipient && (code == 550 || code == 551 || code == 553);
        }
    }

    /** Keeps the Message-ID we chose instead of a random one from saveChanges(); SMTP for its return path. */
    private static final class StableIdMimeMessage extends org.eclipse.angus.mail.smtp.SMTPMessage {
        private final String messageId;

        StableIdMimeMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
