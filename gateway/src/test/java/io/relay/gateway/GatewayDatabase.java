package io.relay.gateway;

import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.TestNames;
import java.util.List;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The machine's PostgreSQL, in a schema of the test's own: the gateway's tenants and keys. */
final class GatewayDatabase {

    private GatewayDatabase() {}

    static String newSchema() {
        return TestNames.schema("gateway_test");
    }

    static void use(DynamicPropertyRegistry registry, String schema) {
        registry.add("spring.datasource.url", () -> LocalInfrastructure.postgresUrlInSchema(schema));
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.default-schema", () -> schema);
    }

    /** The same, as command-line arguments (a gateway started with SpringApplicationBuilder). */
    static List<String> arguments(String schema) {
        return List.of(
                "--spring.datasource.url=" + LocalInfrastructure.postgresUrlInSchema(schema),
                "--spring.flyway.schemas=" + schema,
                "--spring.flyway.default-schema=" + schema);
    }
}
