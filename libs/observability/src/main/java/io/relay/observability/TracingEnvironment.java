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
 */
public class TracingEnvironment implements EnvironmentPostProcessor {

    static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";
    static final String SAMPLING = "management.tracing.sampling.probability";

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
        environment.getPropertySources().addLast(new MapPropertySource("relay-tracing", properties));
    }
}
