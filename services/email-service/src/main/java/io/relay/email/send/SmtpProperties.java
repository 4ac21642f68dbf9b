package io.relay.email.send;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code smtp.*}: the relay email is handed to. Values and their environment variables: application.yml. */
@ConfigurationProperties("smtp")
public record SmtpProperties(String host, int port, String username, String password, boolean starttls) {

    public boolean authenticates() {
        return username != null && !username.isBlank();
    }

    @Override
    public String toString() {
        return "smtp://" + host + ":" + port + (authenticates() ? " as " + username : "")
                + (starttls ? " (STARTTLS)" : "");
    }
}
