package io.relay.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * One message, one trace: the business's own trace context goes in at the gateway, and the span of the
 * provider call (SMTP) descends from it through routing-service, RabbitMQ and email-service.
 */
class TracingEndToEndTest {

    private static final HexFormat HEX = HexFormat.of();

    record Exported(String service, String name, Span.SpanKind kind, String spanId, String parentSpanId) {}

    @Test
    void aTraceFollowsOneMessageFromTheGatewayThroughRoutingAndTheChannelServiceToTheProvider() {
        RunningSystem system = RunningSystem.shared();
        Http business = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + RunningSystem.API_KEY);
        business.put("/v1/categories/traced", "{\"kind\":\"transactional\",\"defaultChannels\":[\"email\"]}");
        business.put("/v1/customers/t-1", "{\"email\":\"t1@example.org\"}");
        SecureRandom random = new SecureRandom();
        String traceId = HEX.formatHex(random.generateSeed(16));
        String callerSpan = HEX.formatHex(random.generateSeed(8));

        HttpResponse<String> accepted = new Http(system.gatewayUrl())
                .header("Authorization", "Bearer " + RunningSystem.API_KEY)
                .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .post(
                        "/v1/messages",
                        "{\"customerId\":\"t-1\",\"category\":\"traced\",\"content\":{\"email\":{\"subject\":\"Traced\",\"text\":\"Hi\"}}}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id =
                JsonMapper.builder().build().readTree(accepted.body()).get("id").asString();

        List<Exported> trace = new ArrayList<>();
        List<Exported> path = new ArrayList<>();
        // spans are exported in batches as they end: wait until the whole chain has arrived
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    trace.clear();
                    trace.addAll(spansOf(system, traceId));
                    path.clear();
                    path.addAll(ancestry(trace, "smtp call"));
                    assertThat(path).as("the SMTP call's span").isNotEmpty();
                    assertThat(path.getFirst().parentSpanId())
                            .as("the root is a child of the caller's span")
                            .isEqualTo(callerSpan);
                });
        assertThat(path.getFirst().service()).isEqualTo("gateway");
        assertThat(path.getFirst().kind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(path.stream().map(Exported::service).distinct())
                .as("path %s", path)
                .containsExactly("gateway", "routing-service", "email-service");
        assertThat(path)
                .anyMatch(s -> s.service().equals("routing-service")
                        && s.kind() == Span.SpanKind.SPAN_KIND_PRODUCER
                        && s.name().contains("dispatch.email"));
        assertThat(path)
                .anyMatch(s -> s.service().equals("email-service")
                        && s.kind() == Span.SpanKind.SPAN_KIND_CONSUMER
                        && s.name().equals("email.dispatch process"));
        assertThat(path.getLast().kind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        // routing's question to preference-service is in the same trace, under the request that accepted
        // and routed the message; each process exports its spans in its own batches, so wait for them
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<Exported> all = spansOf(system, traceId);
                    Exported routing = all.stream()
                            .filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER
                                    && s.service().equals("routing-service"))
                            .findFirst()
                            .orElseThrow();
                    assertThat(all)
                            .as("trace %s", all)
                            .anyMatch(server -> server.service().equals("preference-service")
                                    && server.kind() == Span.SpanKind.SPAN_KIND_SERVER
                                    && server.name().contains("resolved")
                                    && all.stream()
                                            .anyMatch(client -> client.spanId().equals(server.parentSpanId())
                                                    && client.kind() == Span.SpanKind.SPAN_KIND_CLIENT
                                                    && routing.spanId().equals(client.parentSpanId())));
                });
        assertThat(business.get("/v1/messages/" + id).body()).contains("\"status\":\"sent\"");
    }

    /** The span named {@code name} and its ancestors present in {@code trace}, root first. */
    private static List<Exported> ancestry(List<Exported> trace, String name) {
        Map<String, Exported> byId = trace.stream().collect(Collectors.toMap(Exported::spanId, Function.identity()));
        List<Exported> path = new ArrayList<>();
        Exported span =
                trace.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        while (span != null) {
            path.addFirst(span);
            span = byId.get(span.parentSpanId());
        }
        return path;
    }

    private static List<Exported> spansOf(RunningSystem system, String traceId) throws Exception {
        List<Exported> found = new ArrayList<>();
        for (LoggedRequest request : system.providers.findAll(postRequestedFor(urlEqualTo("/v1/traces")))) {
            for (ResourceSpans resource :
                    ExportTraceServiceRequest.parseFrom(request.getBody()).getResourceSpansList()) {
                String service = resource.getResource().getAttributesList().stream()
                        .filter(a -> a.getKey().equals("service.name"))
                        .map(KeyValue::getValue)
                        .map(v -> v.getStringValue())
                        .findFirst()
                        .orElse("?");
                for (ScopeSpans scope : resource.getScopeSpansList()) {
                    for (Span span : scope.getSpansList()) {
                        if (HEX.formatHex(span.getTraceId().toByteArray()).equals(traceId)) {
                            found.add(new Exported(
                                    service,
                                    span.getName(),
                                    span.getKind(),
                                    HEX.formatHex(span.getSpanId().toByteArray()),
                                    HEX.formatHex(span.getParentSpanId().toByteArray())));
                        }
                    }
                }
            }
        }
        return found;
    }
}
