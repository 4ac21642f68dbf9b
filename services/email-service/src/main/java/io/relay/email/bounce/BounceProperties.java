package io.relay.email.bounce;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.bounces.*}: where bounces and complaints come back. Values and their environment
 * variables: application.yml. With no {@code domain} there is no VERP return path and no mailbox is read.
 *
 * @param domain the platform's bounce domain: mail goes out with return path {@code bounce+<token>@domain}
 * @param imapHost the bounce mailbox's IMAP server
 * @param imapPort its port
 * @param imapTls whether to speak IMAP over TLS (imaps)
 * @param username the mailbox's login
 * @param password the mailbox's password
 * @param folder the folder reports arrive in
 * @param pollInterval how often the mailbox is read
 * @param recordTtl how long a sent message's bounce record is kept (reports come within days)
 */
@ConfigurationProperties("relay.bounces")
public record BounceProperties(
        String domain,
        String imapHost,
        int imapPort,
        boolean imapTls,
        String username,
        String password,
        String folder,
        Duration pollInterval,
        Duration recordTtl) {

    public boolean enabled() {
        return domain != null && !domain.isBlank();
    }

    @Override
    public String toString() {
        return "bounces to bounce+…@" + domain + ", read from " + (imapTls ? "imaps" : "imap") + "://" + username + "@"
                + imapHost + ":" + imapPort + "/" + folder;
    }
}
