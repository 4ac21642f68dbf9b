package io.relay.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

/** Registers the problem advice and the request-context filter in every MVC service. */
@AutoConfiguration
public class WebAutoConfiguration {

    /** The default shared by gateway and services for local runs only. */
    public static final String LOCAL_INTERNAL_TOKEN = "local-internal-token-not-a-secret";

    @Bean
    ProblemAdvice problemAdvice() {
        return new ProblemAdvice();
    }

    @Bean
    FilterRegistrationBean<RequestContextFilter> relayRequestContextFilter(
            @Value("${relay.http.max-body-size:256KB}") DataSize maxBody,
            @Value("${relay.internal-token:${INTERNAL_TOKEN:" + LOCAL_INTERNAL_TOKEN + "}}") String internalToken) {
        if (LOCAL_INTERNAL_TOKEN.equals(internalToken)) {
            org.slf4j.LoggerFactory.getLogger(WebAutoConfiguration.class)
                    .warn(
                            "INTERNAL_TOKEN is the local default: set a secret shared with the gateway outside local runs");
        }
        FilterRegistrationBean<RequestContextFilter> registration =
                new FilterRegistrationBean<>(new RequestContextFilter(maxBody.toBytes(), internalToken));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /**
     * Boot's FormContentFilter parses form bodies of PUT, PATCH and DELETE before MVC, where its
     * failure on undecodable bytes is a 500 no advice can answer. Nothing here takes such bodies (the
     * preference centre posts forms with POST, which the servlet container parses itself): off.
     */
    @Bean
    FilterRegistrationBean<org.springframework.web.filter.FormContentFilter> formContentFilterOff(
            org.springframework.beans.factory.ObjectProvider<org.springframework.web.filter.FormContentFilter> filter) {
        FilterRegistrationBean<org.springframework.web.filter.FormContentFilter> registration =
                new FilterRegistrationBean<>(
                        filter.getIfAvailable(org.springframework.web.filter.FormContentFilter::new));
        registration.setEnabled(false);
        return registration;
    }
}
