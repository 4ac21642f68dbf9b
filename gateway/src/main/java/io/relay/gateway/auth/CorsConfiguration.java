package io.relay.gateway.auth;

import io.relay.gateway.GatewayProperties;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * Cross-origin calls only for the customer's own pages: {@code /v1/me/**} from the preference
 * centre's origin (PREFERENCE_CENTRE_ORIGIN, default PUBLIC_BASE_URL). The business API answers no
 * browser from another origin: API keys belong on servers.
 */
@Configuration
class CorsConfiguration {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    CorsWebFilter corsWebFilter(GatewayProperties settings) {
        String origin = settings.gateway().preferenceCentreOrigin();
        org.springframework.web.cors.CorsConfiguration me = new org.springframework.web.cors.CorsConfiguration();
        me.setAllowedOrigins(List.of(origin));
        me.setAllowedMethods(List.of("GET", "PUT"));
        me.setAllowedHeaders(List.of("Content-Type"));
        me.setMaxAge(600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/v1/me/**", me);
        return new CorsWebFilter(source);
    }
}
