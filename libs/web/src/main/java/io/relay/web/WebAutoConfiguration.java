package io.relay.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/** Registers the problem advice and the request-context filter in every MVC service. */
@AutoConfiguration
@org.springframework.boot.context.properties.EnableConfigurationProperties(WebProperties.class)
public class WebAutoConfiguration {

    @Bean
    ProblemAdvice problemAdvice() {
        return new ProblemAdvice();
    }

    /** Before anything else reads the path: one path, one decision (libs/security). */
    @Bean
    FilterRegistrationBean<CanonicalPathFilter> relayCanonicalPathFilter() {
        FilterRegistrationBean<CanonicalPathFilter> registration =
                new FilterRegistrationBean<>(new CanonicalPathFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /**
     * Tomcat refuses some paths itself (an encoded '/' or '\'), before any filter runs, with an HTML page:
     * its host's error report becomes {@link ProblemReportValve}, so those answers are problem+json too.
     */
    @Bean
    org.springframework.boot.tomcat.TomcatContextCustomizer tomcatsOwnRefusalsAsProblems() {
        return context -> context.addLifecycleListener(event -> {
            if (org.apache.catalina.Lifecycle.BEFORE_START_EVENT.equals(event.getType())
                    && context.getParent() != null) {
                org.apache.catalina.Pipeline host = context.getParent().getPipeline();
                for (org.apache.catalina.Valve valve : host.getValves()) {
                    if (valve instanceof org.apache.catalina.valves.ErrorReportValve
                            && !(valve instanceof ProblemReportValve)) {
                        host.removeValve(valve);
                    }
                }
                if (java.util.Arrays.stream(host.getValves()).noneMatch(ProblemReportValve.class::isInstance)) {
                    host.addValve(new ProblemReportValve());
                }
            }
        });
    }

    @Bean
    FilterRegistrationBean<RequestContextFilter> relayRequestContextFilter(WebProperties web) {
        FilterRegistrationBean<RequestContextFilter> registration = new FilterRegistrationBean<>(
                new RequestContextFilter(web.http().maxBodySize().toBytes(), web.internalToken()));
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
