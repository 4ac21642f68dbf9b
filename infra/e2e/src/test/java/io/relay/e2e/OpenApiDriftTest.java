package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.testsupport.Http;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

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
                        .forEach(method -> operations.add(operation(method, path.getKey()))));
        return operations;
    }

    /** "GET /v1/customers/{}": an operation, whatever its path parameters are named. */
    private static String operation(String method, String path) {
        return method.toUpperCase() + " " + path.replaceAll("\\{[^}]+}", "{}");
    }

    @Test
    void theDocumentAndTheCodeDescribeTheSameApi() {
        RunningSystem system = RunningSystem.shared();
        HttpResponse<String> published = new Http(system.gatewayUrl()).get("/openapi.json");
        assertThat(published.statusCode()).isEqualTo(200);
        Set<String> documented = operations(json.readTree(published.body()));
        // the gateway's own operations (the operator API, tenants' provider accounts): called below
        documented.removeIf(op -> op.contains(" /admin/") || op.contains(" /v1/providers"));

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
        Http operator = new Http(system.operatorUrl()).header("Authorization", "Bearer " + RunningSystem.ADMIN_TOKEN);
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
        // tenants' provider accounts, which the gateway answers itself, for the operator and the tenant
        assertThat(operator.get("/admin/tenants/" + tenantId + "/providers").statusCode())
                .isEqualTo(200);
        assertThat(operator.put(
                                "/admin/tenants/" + tenantId + "/providers/channels/sms",
                                "{\"usePlatformDefault\":true}")
                        .statusCode())
                .isEqualTo(200);
        Http tenant = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + RunningSystem.API_KEY);
        assertThat(tenant.get("/v1/providers").statusCode()).isEqualTo(200);
        assertThat(tenant.put("/v1/providers/channels/push", "{}").statusCode()).isEqualTo(200);
        assertThat(tenant.get("/v1/providers/pa_nosuchaccount").statusCode()).isEqualTo(404);
        assertThat(tenant.send("PATCH", "/v1/providers/pa_nosuchaccount", "{}", java.util.Map.of())
                        .statusCode())
                .isEqualTo(404);
        assertThat(tenant.delete("/v1/providers/pa_nosuchaccount").statusCode()).isEqualTo(404);
        assertThat(tenant.post("/v1/providers", "{\"type\":\"fax\"}").statusCode())
                .isEqualTo(400);
    }

    /** The document the gateway serves, in the source tree (this module runs from infra/e2e). */
    private static final Path DOCUMENT = Path.of("../../gateway/src/main/resources/static/openapi.json");

    /**
     * Schemas written by hand in the document (the gateway's: its problem answers and the operator API's
     * bodies, checked against its code by its own tests); every other one comes from the services.
     */
    private static final Set<String> OWN_SCHEMAS = Set.of(
            "Problem",
            "NewTenant",
            "TenantSettings",
            "NewProviderAccount",
            "ProviderAccount",
            "ProviderChannel",
            "ProviderChannels",
            "ProviderChannelSettings");

    /**
     * Request bodies, 2xx answers and parameters as the services declare them (springdoc, from the
     * controllers), in the public document: a client generated from it sends what the services accept.
     * Headers the gateway sets (X-Tenant-*, X-Internal-Token) are not the business's to send and are
     * left out. When the code changes, {@code -Dopenapi.write=true} rewrites the document.
     */
    @Test
    void theDocumentCarriesTheBodiesAndParametersTheServicesDeclare() throws IOException {
        RunningSystem system = RunningSystem.shared();
        List<JsonNode> served = new ArrayList<>();
        for (ServiceProcess service : List.of(system.preference, system.routing, system.sms)) {
            served.add(json.readTree(
                    new Http(service.baseUrl()).get("/v3/api-docs").body()));
        }
        ObjectNode published = (ObjectNode)
                json.readTree(new Http(system.gatewayUrl()).get("/openapi.json").body());

        ObjectNode expected = withServiceSchemas(published, served);

        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(
                    DOCUMENT,
                    json.rebuild()
                                    .enable(SerializationFeature.INDENT_OUTPUT)
                                    .build()
                                    .writeValueAsString(expected) + "\n");
        }
        assertThat(published)
                .as("the public document lags the code: run ./mvnw verify -pl infra/e2e -Dtest=OpenApiDriftTest"
                        + " -Dopenapi.write=true (after ./mvnw install -DskipTests) and commit"
                        + " gateway/src/main/resources/static/openapi.json")
                .isEqualTo(expected);
        assertThat(expected.at("/paths/~1v1~1messages/post/requestBody").isMissingNode())
                .as("a message's body is described")
                .isFalse();
    }

    /** The document with each operation's body, 2xx content and parameters taken from the services. */
    private static ObjectNode withServiceSchemas(ObjectNode document, List<JsonNode> served) {
        ObjectNode merged = document.deepCopy();
        ObjectNode schemas = object(object(merged, "components"), "schemas");
        schemas.propertyNames().stream()
                .filter(name -> !OWN_SCHEMAS.contains(name))
                .toList()
                .forEach(schemas::remove);
        Map<String, JsonNode> operations = new LinkedHashMap<>();
        Map<String, JsonNode> origins = new LinkedHashMap<>();
        for (JsonNode doc : served) {
            doc.get("paths")
                    .properties()
                    .forEach(path -> path.getValue().properties().forEach(op -> {
                        String key = operation(op.getKey(), path.getKey());
                        operations.put(key, op.getValue());
                        origins.put(key, doc);
                    }));
        }
        merged.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    String key = operation(op.getKey(), path.getKey());
                    JsonNode source = operations.get(key);
                    if (source == null) {
                        return; // the operator API and the pages: not the services' to describe
                    }
                    ObjectNode target = (ObjectNode) op.getValue();
                    JsonNode doc = origins.get(key);
                    target.remove(List.of("parameters", "requestBody"));
                    List<JsonNode> parameters = new ArrayList<>();
                    source.path("parameters").forEach(parameter -> {
                        String name = parameter.path("name").asString("");
                        boolean gatewaySets = parameter.path("in").asString("").equals("header")
                                && (name.regionMatches(true, 0, "X-Tenant-", 0, 9)
                                        || name.equalsIgnoreCase("X-Internal-Token"));
                        if (!gatewaySets) {
                            parameters.add(copied(parameter, doc, schemas));
                        }
                    });
                    if (!parameters.isEmpty()) {
                        target.putArray("parameters").addAll(parameters);
                    }
                    if (source.has("requestBody")) {
                        target.set("requestBody", copied(source.get("requestBody"), doc, schemas));
                    }
                    // springdoc says 200 for every ResponseEntity; the document's own code (201, 202...)
                    // is the true one, so the service's answer body goes under it
                    ObjectNode responses = object(target, "responses");
                    responses.properties().stream()
                            .filter(answer -> answer.getKey().startsWith("2"))
                            .forEach(answer -> ((ObjectNode) answer.getValue()).remove("content"));
                    String success = responses.propertyNames().stream()
                            .filter(code -> code.startsWith("2"))
                            .findFirst()
                            .orElse("200");
                    source.path("responses").properties().forEach(answer -> {
                        JsonNode content = answer.getValue().path("content");
                        if (!answer.getKey().startsWith("2") || success.equals("204") || content.isMissingNode()) {
                            return;
                        }
                        ObjectNode described = object(object(responses, success), "content");
                        content.properties().forEach(media -> {
                            JsonNode schema = media.getValue().path("schema");
                            if (schema.path("type").asString("").equals("string")) {
                                return; // text (TwiML to Twilio), not a JSON document
                            }
                            described.set(
                                    media.getKey().equals("*/*") ? "application/json" : media.getKey(),
                                    copied(media.getValue(), doc, schemas));
                        });
                        if (described.isEmpty()) {
                            ((ObjectNode) responses.get(success)).remove("content");
                        }
                    });
                }));
        return merged;
    }

    /** A copy of {@code node}, with the component schemas it refers to (and theirs) added to {@code schemas}. */
    private static JsonNode copied(JsonNode node, JsonNode doc, ObjectNode schemas) {
        Deque<JsonNode> pending = new ArrayDeque<>(List.of(node));
        while (!pending.isEmpty()) {
            JsonNode next = pending.pop();
            if (next.has("$ref")) {
                String name = next.get("$ref").asString().replace("#/components/schemas/", "");
                JsonNode schema = doc.at("/components/schemas/" + name);
                assertThat(schema.isMissingNode()).as("schema " + name).isFalse();
                if (schemas.has(name)) {
                    assertThat(schemas.get(name))
                            .as("two services name different schemas " + name)
                            .isEqualTo(schema);
                } else {
                    schemas.set(name, schema.deepCopy());
                    pending.push(schema);
                }
            }
            next.forEach(pending::push);
        }
        return node.deepCopy();
    }

    private static ObjectNode object(ObjectNode parent, String name) {
        return parent.get(name) instanceof ObjectNode child ? child : parent.putObject(name);
    }
}
