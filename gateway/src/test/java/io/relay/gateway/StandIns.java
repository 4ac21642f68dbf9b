package io.relay.gateway;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What a gateway test runs against: one WireMock server standing in for every service behind it, and
 * a schema of its own in the machine's PostgreSQL for its tenants and keys.
 */
final class StandIns {

    final WireMockServer services =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    final String schema = GatewayDatabase.newSchema();

    StandIns() {
        services.start();
    }

    /** The gateway's routes all lead to the stand-in, its database to the schema. */
    void register(DynamicPropertyRegistry registry) {
        GatewayDatabase.use(registry, schema);
        registry.add("ROUTING_SERVICE_URL", services::baseUrl);
        registry.add("PREFERENCE_SERVICE_URL", services::baseUrl);
        registry.add("SMS_SERVICE_URL", services::baseUrl);
        registry.add("EMAIL_SERVICE_URL", services::baseUrl);
        registry.add("PUSH_SERVICE_URL", services::baseUrl);
    }
}
