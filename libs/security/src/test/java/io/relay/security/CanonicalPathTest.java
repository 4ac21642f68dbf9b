package io.relay.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/v1/customers%2Fc-1",
                "/v1/customers%2fc-1",
                "/v1/%2e%2e/admin",
                "/v1/customers/%2E",
                "/v1/customers/c%5Cx",
                "/v1/customers/c%5cx",
                "/v1/customers/c-1%3Bx=1",
                "/v1/customers/c-1%3bx=1",
                "/admin;x=1/tenants",
                "/v1/customers/c-1;jsessionid=1",
                "/v1/customers\\c-1",
                "//admin/tenants",
                "/v1//customers",
                "/./admin",
                "/v1/customers/.",
                "/v1/customers/..",
                "/v1/../admin/tenants",
                "/v1/customers/c-1/../c-2"
            })
    void anAmbiguousPathIsRefusedWithItsReason(String raw) {
        assertThat(CanonicalPath.refusal(raw)).isPresent();
        assertThat(CanonicalPath.problemJson(CanonicalPath.refusal(raw).orElseThrow()))
                .contains("\"status\":400")
                .doesNotContain(raw);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/",
                "/v1/messages",
                "/v1/messages/",
                "/v1/customers/c-1",
                "/v1/customers/a.b",
                "/v1/customers/...",
                "/v1/customers/.hidden",
                "/v1/customers/j%C3%BCrgen",
                "/v1/customers/c%40x",
                "/%61dmin/tenants",
                "/actuator/health/readiness"
            })
    void aPathWithOneReadingPasses(String raw) {
        assertThat(CanonicalPath.refusal(raw)).isEmpty();
    }
}
