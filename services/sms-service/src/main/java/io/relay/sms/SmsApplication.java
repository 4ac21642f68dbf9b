package io.relay.sms;

import io.relay.sms.send.TwilioProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The SMS channel over Twilio: libs/channel wires the worker, its queue and its resilience around the adapter. */
@SpringBootApplication
@EnableConfigurationProperties(TwilioProperties.class)
public class SmsApplication {

    public static void main(String[] args) {
        SpringApplication.run(SmsApplication.class, args);
    }
}
