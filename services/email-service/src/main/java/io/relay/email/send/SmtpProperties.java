package io.relay.email.send;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Bound from SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_STARTTLS. */
@ConfigurationProperties("smtp")
public record SmtpProperties(
        @DefaultValue("localhost") String host,
        @DefaultValue("2525") int port,
        String username,
        String password,
        @DefaultValue("false") boolean starttls) {

    public boolean authenticates() {
        return username != null && !username.isBlank();
    }

    @Override
    public String toString() {
        return "smtp://" + host + ":" + port + (authenticates() ? " as " + username : "")
                + (starttls ? " (STARTTLS)" : "");
    }
}
