package io.relay.links.spring;

import io.relay.links.LinkKeys;
import io.relay.links.LinkTokens;
import io.relay.links.LinkUrls;
import io.relay.web.WebProperties;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/**
 * Links signed and checked with one key set and one lifetime per kind of link, in every service that
 * has {@code relay.links} settings: a link lives as long whichever service issued it.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "relay.links", name = "signing-key")
@EnableConfigurationProperties(LinkProperties.class)
public class LinkAutoConfiguration {

    @Bean
    LinkKeys linkKeys(LinkProperties links) {
        return new LinkKeys(links.signingKey(), links.previousKeys() == null ? "" : links.previousKeys());
    }

    @Bean
    LinkTokens linkTokens(LinkKeys keys, JsonMapper json, Clock clock) {
        return new LinkTokens(keys, json, clock);
    }

    @Bean
    LinkUrls linkUrls(LinkTokens tokens, LinkProperties links, WebProperties web) {
        return new LinkUrls(tokens, web.publicBase(), links.preferenceTtl(), links.unsubscribeTtl());
    }
}
