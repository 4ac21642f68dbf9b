package io.relay.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class TracingEnvironmentTest {

    private StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", variables));
        new TracingEnvironment().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void withoutAnEndpointNothingIsExportedButEveryTraceIsSampled() {
        StandardEnvironment environment = environment(Map.of("OTLP_TRACING_ENDPOINT", " "));

        assertThat(environment.containsProperty(TracingEnvironment.ENDPOINT)).isFalse();
        assertThat(environment.getProperty(TracingEnvironment.SAMPLING)).isEqualTo("1.0");
    }

    @Test
    void theContractsVariablesBecomeBootsProperties() {
        StandardEnvironment environment = environment(Map.of(
                "OTLP_TRACING_ENDPOINT", "http://collector:4318/v1/traces", "TRACING_SAMPLING_PROBABILITY", "0.25"));

        assertThat(environment.getProperty(TracingEnvironment.ENDPOINT)).isEqualTo("http://collector:4318/v1/traces");
        assertThat(environment.getProperty(TracingEnvironment.SAMPLING)).isEqualTo("0.25");
    }

    @Test
    void bootsOwnPropertiesWin() {
        StandardEnvironment environment = environment(Map.of(
                "OTLP_TRACING_ENDPOINT",
                "http://a/v1/traces",
                TracingEnvironment.ENDPOINT,
                "http://b/v1/traces",
                TracingEnvironment.SAMPLING,
                "0.5"));

        assertThat(environment.getProperty(TracingEnvironment.ENDPOINT)).isEqualTo("http://b/v1/traces");
        assertThat(environment.getProperty(TracingEnvironment.SAMPLING)).isEqualTo("0.5");
    }

    @Test
    void baggageAndLongTaskTimersAreOffUnlessBootsPropertySaysOtherwise() {
        StandardEnvironment defaults = environment(Map.of());
        assertThat(defaults.getProperty(TracingEnvironment.BAGGAGE)).isEqualTo("false");
        assertThat(defaults.getProperty(TracingEnvironment.IGNORED_METERS)).isEqualTo("long-task-timer");

        StandardEnvironment chosen =
                environment(Map.of(TracingEnvironment.BAGGAGE, "true", TracingEnvironment.IGNORED_METERS, ""));
        assertThat(chosen.getProperty(TracingEnvironment.BAGGAGE)).isEqualTo("true");
        assertThat(chosen.getProperty(TracingEnvironment.IGNORED_METERS)).isEmpty();
    }
}
