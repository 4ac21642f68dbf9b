package io.relay.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The load suite's Twilio answer in Java is the file stub's answer, field for field. */
class TwilioCreatedTest {

    private static final String FORM =
            "To=%2B31612345678&From=%2B3197010000000&Body=Hello+%22there%22%2C+%C3%A9%0Aline";

    @Test
    void theJavaAnswerToCreateAMessageIsTheTemplatesAnswer() throws Exception {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options()
                .dynamicPort()
                .extensions(new TwilioCreated())
                .usingFilesUnderDirectory("../wiremock"));
        server.start();
        try {
            JsonNode fromTemplate = create(server);
            server.stubFor(post(urlPathMatching("/2010-04-01/Accounts/[^/]+/Messages\\.json"))
                    .withHeader("Authorization", matching("Basic .+"))
                    .atPriority(1)
                    .willReturn(aResponse()
                            .withStatus(201)
                            .withHeader("Content-Type", "application/json; charset=utf-8")
                            .withTransformers(TwilioCreated.NAME)));
            JsonNode fromJava = create(server);
            assertThat(server.getAllServeEvents().getFirst().getStubMapping().getPriority())
                    .as("the newest answer came from the Java stub, the first from the file's")
                    .isEqualTo(1);
            assertThat(server.getAllServeEvents().getLast().getStubMapping().getPriority())
                    .isEqualTo(5);

            assertThat(fromJava.path("sid").asString()).matches("SM[0-9a-f]{32}");
            assertThat(fromJava.path("body").asString()).isEqualTo("Hello \"there\", é\nline");
            assertThat(fromJava.path("date_created").asString())
                    .matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000");
            assertThat(withoutSid(fromJava)).isEqualTo(withoutSid(fromTemplate));
        } finally {
            server.stop();
        }
    }

    private static JsonNode create(WireMockServer server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(server.baseUrl() + "/2010-04-01/Accounts/AC123/Messages.json"))
                                .header("Authorization", "Basic QUMxMjM6c2VjcmV0")
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(FORM))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JsonMapper.builder().build().readTree(response.body());
    }

    /** The sid is new each time, and the dates may fall in another second. */
    private static JsonNode withoutSid(JsonNode message) {
        ObjectNode copy = ((ObjectNode) message).deepCopy();
        String sid = copy.path("sid").asString();
        copy.remove(java.util.List.of("sid", "date_created", "date_updated"));
        copy.put("uri", copy.path("uri").asString().replace(sid, "SID"));
        copy.withObject("/subresource_uris")
                .put(
                        "media",
                        copy.path("subresource_uris").path("media").asString().replace(sid, "SID"));
        return copy;
    }
}
