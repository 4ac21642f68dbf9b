package io.relay.sms.send;

import com.twilio.http.NetworkHttpClient;
import io.relay.channel.sms.SmsProvider;
import io.relay.web.WebProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The platform's Twilio account, and the HTTP connection pool every Twilio account's calls share. */
@Configuration(proxyBeanMethods = false)
public class TwilioConfiguration {

    /** Requests for api.twilio.com go to TWILIO_API_BASE_URL (WireMock in tests). */
    @Bean
    NetworkHttpClient twilioHttpClient(TwilioProperties twilio) {
        return new RewritingHttpClient(twilio.apiBaseUrl());
    }

    @Bean
    SmsProvider twilioSms(TwilioProperties twilio, WebProperties web, NetworkHttpClient twilioHttpClient) {
        return TwilioSmsProvider.platform(twilio, web, twilioHttpClient);
    }
}
