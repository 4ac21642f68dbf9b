package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's public OpenAPI document against what the services really serve (their own
 * /v3/api-docs, generated from the controllers): every documented operation exists, and every public
 * operation is documented. The operator API (the gateway's own) and the HTML pages are checked by
 * calling them.
 */
class OpenApiDriftTest {

    private final JsonMapper json = JsonMapper.builder().build();

    private static Set<String> operations(JsonNode doc) {
        Set<String> operations = new TreeSet<>();
        doc.get("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .propertyNames()
                        .forEach(method -> operations.add(
                                method.toUpperCase() + " " + path.getKey().replaceAll("\\{[^}]+}", "{}"))));
        return operations;
    }

    @Test
    void theDocumentAndTheCodeDescribeTheSameApi() {
        RunningSystem system = RunningSystem.shared();
        HttpResponse<String> published = new Http(system.gatewayUrl()).get("/openapi.json");
        assertThat(published.statusCode()).isEqualTo(200);
        Set<String> documented = operations(json.readTree(published.body()));
        documented.removeIf(op -> op.contains(" /admin/"));

        Set<String> served = new TreeSet<>();
        for (ServiceProcess service : java.util.List.of(system.preference, system.routing, system.sms)) {
            HttpResponse<String> docs = new Http(service.baseUrl()).get("/v3/api-docs");
            assertThat(docs.statusCode()).as(service.name()).isEqualTo(200);
            served.addAll(operations(json.readTree(docs.body())));
        }
        served.removeIf(op -> op.contains(" /internal/"));

        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<String> unserved = new TreeSet<>(documented);
        unserved.removeAll(served);
        // server-rendered pages are not in springdoc's output: call them instead (no token → 401, not 404)
        Http anonymous = new Http(system.gatewayUrl());
        unserved.removeIf(op -> {
            String[] parts = op.split(" ", 2);
            boolean page = parts[1].equals("/preferences") || parts[1].equals("/unsubscribe");
            return page
                    && anonymous
                                    .send(parts[0], parts[1], null, java.util.Map.of())
                                    .statusCode()
                            == 401;
        });
        assertThat(undocumented).as("served but not in the public document").isEmpty();
        assertThat(unserved).as("documented but served by no service").isEmpty();
    }

    @Test
    void theOperatorOperationsInTheDocumentAnswer() {
        RunningSystem system = RunningSystem.shared();
        Http operator = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + RunningSystem.ADMIN_TOKEN);
        String tenantId = json.readTree(
                        operator.post("/admin/tenants", "{\"name\":\"Docs\"}").body())
                .get("tenantId")
                .asString();

        assertThat(operator.get("/admin/tenants/" + tenantId).statusCode()).isEqualTo(200);
        assertThat(operator.send("PATCH", "/admin/tenants/" + tenantId, "{\"rateLimit\":10}", java.util.Map.of())
                        .statusCode())
                .isEqualTo(200);
        String keyId = json.readTree(operator.post("/admin/tenants/" + tenantId + "/api-keys", null)
                        .body())
                .get("keyId")
                .asString();
        assertThat(operator.delete("/admin/tenants/" + tenantId + "/api-keys/" + keyId)
                        .statusCode())
                .isEqualTo(204);
    }
}
