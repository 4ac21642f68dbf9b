package io.relay.push;

import io.relay.push.send.FcmProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The push channel over FCM: libs/channel wires the worker, its queue and its resilience around the adapter. */
@SpringBootApplication
@EnableConfigurationProperties(FcmProperties.class)
public class PushApplication {

    public static void main(String[] args) {
        SpringApplication.run(PushApplication.class, args);
    }
}
