package io.relay.email.config;

import io.relay.links.LinkKeys;
import io.relay.links.LinkTokens;
import io.relay.links.LinkUrls;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The links emails carry; libs/channel wires the worker, its queue and its resilience around the SMTP adapter. */
@Configuration
class EmailConfiguration {

    /** Links in emails are signed here with LINK_SIGNING_KEY, the key preference-service checks them with. */
    @Bean
    LinkUrls linkUrls(
            @Value("${relay.links.signing-key}") String key,
            @Value("${relay.links.preference-ttl}") java.time.Duration preferenceTtl,
            @Value("${relay.links.unsubscribe-ttl}") java.time.Duration unsubscribeTtl,
            @Value("${relay.public-base-url:${PUBLIC_BASE_URL:http://localhost:8080}}") String publicBaseUrl,
            JsonMapper json,
            Clock clock) {
        LinkTokens tokens = new LinkTokens(new LinkKeys(key, ""), json, clock);
        return new LinkUrls(tokens, publicBaseUrl, preferenceTtl, unsubscribeTtl);
    }
}
