package io.relay.email.send;

import io.relay.security.OutboundTargets;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.net.UnknownHostException;
import java.util.Properties;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * One SMTP relay: the platform's (SMTP_*) or a tenant's own. Its Jakarta Mail session and the open
 * connections waiting for the next message, reused instead of a handshake per email. A tenant's relay is
 * connected to only at a public address (or a named simulator): {@code guard} is asked before each new
 * connection.
 */
public final class SmtpRelay {

    /** How the connection is protected: none, STARTTLS (required), or TLS from the first byte. */
    public enum Tls {
        NONE,
        STARTTLS,
        TLS
    }

    public record Settings(String host, int port, Tls tls, String username, String password) {

        public boolean authenticates() {
            return username != null && !username.isBlank();
        }

        @Override
        public String toString() {
            return "smtp://" + host + ":" + port + (authenticates() ? " as " + username : "")
                    + (tls == Tls.NONE ? "" : " (" + tls + ")") + " (password hidden)";
        }
    }

    /** No connection was made: the relay cannot have taken anything. */
    public static final class NotConnected extends MessagingException {
        NotConnected(String message, Exception cause) {
            super(message, cause);
        }
    }

    private final Settings settings;
    private final Session session;
    private final OutboundTargets guard;
    private final BlockingDeque<Transport> idle = new LinkedBlockingDeque<>();

    /** @param guard where a tenant's relay may be; null for the platform's, which the operator chose */
    public SmtpRelay(Settings settings, OutboundTargets guard) {
        this.settings = settings;
        this.guard = guard;
        Properties props = new Properties();
        props.put("mail.smtp.host", settings.host());
        props.put("mail.smtp.port", Integer.toString(settings.port()));
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "10000");
        props.put("mail.smtp.writetimeout", "10000");
        props.put("mail.smtp.auth", Boolean.toString(settings.authenticates()));
        boolean starttls = settings.tls() == Tls.STARTTLS;
        props.put("mail.smtp.starttls.enable", Boolean.toString(starttls));
        props.put("mail.smtp.starttls.required", Boolean.toString(starttls));
        if (settings.tls() != Tls.NONE) {
            props.put("mail.smtp.ssl.enable", Boolean.toString(settings.tls() == Tls.TLS));
            props.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(props);
    }

    public Settings settings() {
        return settings;
    }

    /** The session MIME messages for this relay are built in. */
    Session session() {
        return session;
    }

    /**
     * Hands the message over on a pooled connection (or a new one).
     *
     * @throws NotConnected when no connection could be made: nothing was sent
     * @throws MessagingException anything after that; the connection is then closed, never reused
     */
    void send(MimeMessage mime) throws MessagingException {
        Transport transport = connection();
        try {
            transport.sendMessage(mime, mime.getAllRecipients());
            idle.offerFirst(transport); // kept open for the next message
        } catch (MessagingException e) {
            closeQuietly(transport); // after an error the connection's state is unknown
            throw e;
        }
    }

    /** Connects and logs in, then closes: whether the settings and credentials work. */
    public void check() throws MessagingException {
        closeQuietly(connect());
    }

    private Transport connection() throws MessagingException {
        Transport pooled;
        while ((pooled = idle.pollFirst()) != null) {
            if (pooled.isConnected()) { // sends NOOP: a connection the server dropped is noticed here
                return pooled;
            }
            closeQuietly(pooled);
        }
        return connect();
    }

    private Transport connect() throws MessagingException {
        if (guard != null) {
            try {
                guard.resolve(settings.host(), settings.port());
            } catch (UnknownHostException e) {
                throw new NotConnected("the relay " + settings.host() + " is not a public address we may reach", e);
            }
        }
        Transport transport = session.getTransport("smtp");
        try {
            if (settings.authenticates()) {
                transport.connect(settings.host(), settings.port(), settings.username(), settings.password());
            } else {
                transport.connect();
            }
        } catch (jakarta.mail.AuthenticationFailedException e) {
            throw e;
        } catch (MessagingException e) {
            throw new NotConnected("could not connect to " + settings.host() + ":" + settings.port(), e);
        }
        return transport;
    }

    /** Closes every idle connection: at shutdown, or when the relay's settings changed. */
    public void close() {
        Transport transport;
        while ((transport = idle.pollFirst()) != null) {
            closeQuietly(transport);
        }
    }

    private static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException ignored) {
            // closing a broken connection: nothing more to do
        }
    }
}
