package io.relay.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bar of the webhook feature, as a business meets it: the operator sets a tenant's webhookUrl
 * through the gateway and hands over the secret shown once; the tenant's message then reaches that
 * URL as signed status changes. Another tenant, without a webhook, sends nothing there.
 */
class StatusWebhookEndToEndTest {

    private static final String HOOK = "/hooks/status-e2e";
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aTenantsWebhookReceivesEverySignedStatusChangeOfItsMessagesAndOnlyThose() throws Exception {
        RunningSystem system = RunningSystem.shared();
        system.providers.stubFor(
                post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
        Http operator = new Http(system.operatorUrl()).header("Authorization", "Bearer " + RunningSystem.ADMIN_TOKEN);

        Tenant withHook = tenant(operator, "Webhook Co");
        JsonNode settings = json.readTree(operator.send(
                        "PATCH",
                        "/admin/tenants/" + withHook.id(),
                        "{\"webhookUrl\":\"" + system.providers.baseUrl() + HOOK + "\"}",
                        java.util.Map.of())
                .body());
        String secret = settings.get("webhookSecret").asString();
        assertThat(secret).as("shown once, to verify signatures with").isNotBlank();
        Tenant withoutHook = tenant(operator, "No Webhook Co");

        String id = send(withHook);
        String otherId = send(withoutHook);

        // posted by parallel consumers, so they may arrive in any order: "at" orders them
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(statusesOf(system, id)).contains("accepted", "dispatched", "sent"));
        assertThat(changesOf(system, id).stream()
                        .sorted(java.util.Comparator.comparing((JsonNode change) ->
                                java.time.Instant.parse(change.get("at").asString())))
                        .map(change -> change.get("status").asString())
                        .filter(List.of("accepted", "dispatched", "sent")::contains)
                        .distinct()
                        .toList())
                .containsExactly("accepted", "dispatched", "sent");
        for (LoggedRequest request : hookRequests(system)) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            assertThat(request.getHeader("X-Signature"))
                    .isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(request.getBody())));
            // as a business verifies it, with the Standard Webhooks library: genuine, and fresh
            new com.standardwebhooks.Webhook(secret)
                    .verify(
                            request.getBodyAsString(),
                            java.util.Map.of(
                                    "webhook-id", List.of(request.getHeader("webhook-id")),
                                    "webhook-timestamp", List.of(request.getHeader("webhook-timestamp")),
                                    "webhook-signature", List.of(request.getHeader("webhook-signature"))));
        }
        // the other tenant's message went out too, and not one of its changes reached this webhook
        await().atMost(Duration.ofSeconds(30))
                .until(() -> json.readTree(withoutHook
                                .business()
                                .get("/v1/messages/" + otherId)
                                .body())
                        .get("status")
                        .asString()
                        .equals("sent"));
        assertThat(statusesOf(system, otherId)).isEmpty();
    }

    @Test
    void aWebhookMovedByTheOperatorGetsTheNextChangeOfAMessageAlreadyWaiting() {
        RunningSystem system = RunningSystem.shared();
        String before = "/hooks/moved-before";
        String after = "/hooks/moved-after";
        for (String hook : List.of(before, after)) {
            system.providers.stubFor(
                    post(urlPathEqualTo(hook)).willReturn(aResponse().withStatus(204)));
        }
        Http operator = new Http(system.operatorUrl()).header("Authorization", "Bearer " + RunningSystem.ADMIN_TOKEN);
        Tenant tenant = tenant(operator, "Moving Co");
        String path = "/admin/tenants/" + tenant.id();
        operator.send(
                "PATCH", path, "{\"webhookUrl\":\"" + system.providers.baseUrl() + before + "\"}", java.util.Map.of());
        HttpResponse<String> accepted = tenant.business()
                .post(
                        "/v1/messages",
                        "{\"customerId\":\"w-1\",\"category\":\"receipts\",\"sendAt\":\""
                                + java.time.Instant.now().plus(Duration.ofDays(1))
                                + "\",\"content\":{\"email\":{\"subject\":\"Tomorrow\",\"text\":\"Hi\"}}}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = json.readTree(accepted.body()).get("id").asString();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(statusesAt(system, before, id)).contains("scheduled"));

        // no message request in between: the gateway tells routing itself
        HttpResponse<String> moved = operator.send(
                "PATCH", path, "{\"webhookUrl\":\"" + system.providers.baseUrl() + after + "\"}", java.util.Map.of());
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(tenant.business().delete("/v1/messages/" + id).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(statusesAt(system, after, id)).contains("cancelled"));
        assertThat(statusesAt(system, before, id)).doesNotContain("cancelled");
    }

    private List<String> statusesAt(RunningSystem system, String hook, String id) {
        return system.providers.findAll(postRequestedFor(urlPathEqualTo(hook))).stream()
                .map(r -> json.readTree(r.getBodyAsString()))
                .filter(body -> body.get("id").asString().equals(id))
                .map(body -> body.get("status").asString())
                .toList();
    }

    record Tenant(String id, Http business) {}

    private Tenant tenant(Http operator, String name) {
        JsonNode created = json.readTree(
                operator.post("/admin/tenants", "{\"name\":\"" + name + "\"}").body());
        Http business = new Http(RunningSystem.shared().gatewayUrl())
                .header("Authorization", "Bearer " + created.get("apiKey").asString());
        business.put("/v1/categories/receipts", "{\"kind\":\"transactional\",\"defaultChannels\":[\"email\"]}");
        business.put("/v1/customers/w-1", "{\"email\":\"w1@example.org\"}");
        return new Tenant(created.get("tenantId").asString(), business);
    }

    private String send(Tenant tenant) {
        HttpResponse<String> response = tenant.business()
                .post(
                        "/v1/messages",
                        "{\"customerId\":\"w-1\",\"category\":\"receipts\",\"content\":{\"email\":{\"subject\":\"Receipt\","
                                + "\"text\":\"Thanks\"}}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body()).get("id").asString();
    }

    private List<LoggedRequest> hookRequests(RunningSystem system) {
        return system.providers.findAll(postRequestedFor(urlPathEqualTo(HOOK)));
    }

    /** The changes POSTed to the webhook for this message, in the order they arrived. */
    private List<JsonNode> changesOf(RunningSystem system, String id) {
        return hookRequests(system).stream()
                .map(r -> json.readTree(r.getBodyAsString()))
                .filter(body -> body.get("id").asString().equals(id))
                .toList();
    }

    private List<String> statusesOf(RunningSystem system, String id) {
        return changesOf(system, id).stream()
                .map(body -> body.get("status").asString())
                .toList();
    }
}
