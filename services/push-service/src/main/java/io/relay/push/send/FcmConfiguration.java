package io.relay.push.send;

import io.relay.channel.push.PushProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The platform's FCM project (FCM_*). */
@Configuration(proxyBeanMethods = false)
public class FcmConfiguration {

    @Bean
    PushProvider fcmPush(FcmProperties fcm, JsonMapper json) {
        return FcmPushProvider.platform(fcm, json);
    }
}
