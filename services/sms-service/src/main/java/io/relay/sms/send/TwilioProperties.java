package io.relay.sms.send;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code twilio.*}: the account (sid and auth token), where the SDK's requests go instead of
 * api.twilio.com (WireMock in tests, a simulator locally), the default sender (an E.164 number or a
 * Messaging Service SID "MG…") and the answer to HELP. Values and their environment variables:
 * application.yml.
 */
@ConfigurationProperties("twilio")
public record TwilioProperties(String accountSid, String authToken, String apiBaseUrl, String from, String helpText) {

    public boolean configured() {
        return accountSid != null && !accountSid.isBlank() && authToken != null && !authToken.isBlank();
    }

    @Override
    public String toString() {
        return "twilio " + accountSid + " via " + apiBaseUrl + " (token hidden)";
    }
}
