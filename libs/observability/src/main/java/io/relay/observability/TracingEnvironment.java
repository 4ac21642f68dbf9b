package io.relay.observability;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The configuration contract's two tracing variables, mapped onto Boot's properties. Spans are always
 * made (they put {@code traceId} in every log line and {@code traceparent} on every call and message);
 * they are exported only when {@code OTLP_TRACING_ENDPOINT} is set, because Boot creates the exporter
 * whenever its endpoint property exists, even empty.
 *
 * <p>Two of Boot's defaults are turned off for every service, because each costs work on every
 * observation (a request, a consumed or published message, a provider call) and nothing reads what it
 * makes: W3C baggage, which the platform never sets, was still looked up and written on every
 * propagation (2-3 % of a channel service's CPU under load, JFR); and the long-task timer
 * ({@code *.active}) each observation started beside its timer (1-2 %). The timers and spans stay. A
 * deployment that wants either back sets Boot's own property, which wins.
 */
public class TracingEnvironment implements EnvironmentPostProcessor {

    static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";
    static final String SAMPLING = "management.tracing.sampling.probability";
    static final String BAGGAGE = "management.tracing.baggage.enabled";
    static final String IGNORED_METERS = "management.metrics.observations.ignored-meters";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> properties = new HashMap<>();
        String endpoint = environment.getProperty("OTLP_TRACING_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank() && !environment.containsProperty(ENDPOINT)) {
            properties.put(ENDPOINT, endpoint.strip());
        }
        if (!environment.containsProperty(SAMPLING)) {
            properties.put(SAMPLING, environment.getProperty("TRACING_SAMPLING_PROBABILITY", "1.0"));
        }
        if (!environment.containsProperty(BAGGAGE)) {
            properties.put(BAGGAGE, "false");
        }
        if (!environment.containsProperty(IGNORED_METERS)) {
            properties.put(IGNORED_METERS, "long-task-timer");
        }
        environment.getPropertySources().addLast(new MapPropertySource("relay-tracing", properties));
    }
}
