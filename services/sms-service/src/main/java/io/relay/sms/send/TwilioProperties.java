package io.relay.sms.send;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_BASE_URL (the SDK's requests go there instead
 * of api.twilio.com: WireMock in tests, a simulator locally), TWILIO_FROM (the default sender: an
 * E.164 number or a Messaging Service SID "MG…"), PUBLIC_BASE_URL (status callbacks, signature checks).
 */
@ConfigurationProperties("twilio")
public record TwilioProperties(
        String accountSid,
        String authToken,
        @DefaultValue("https://api.twilio.com") String apiBaseUrl,
        String from,

        @DefaultValue("Reply STOP to stop these messages, START to receive them again.")
        String helpText) {

    public boolean configured() {
        return accountSid != null && !accountSid.isBlank() && authToken != null && !authToken.isBlank();
    }

    @Override
    public String toString() {
        return "twilio " + accountSid + " via " + apiBaseUrl + " (token hidden)";
    }
}
