package io.relay.preference.centre;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.preference.PreferenceServiceTestBase;
import io.relay.testsupport.Http;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What a customer can do with a signed link, and what a forged or expired one cannot. */
class CustomerLinksTest extends PreferenceServiceTestBase {

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private Http anonymous;

    @BeforeEach
    void setUp() {
        category("appointments", "transactional", "sms", "email");
        category("offers", "marketing", "email");
        customer("c-1", "{\"email\":\"ana@example.org\",\"timeZone\":\"Europe/Amsterdam\"}");
        api.put(
                "/v1/customers/c-1/preferences",
                "{\"categories\":{\"offers\":{\"channels\":[\"email\"]}},\"source\":\"checkout\"}");
        anonymous = new Http(baseUrl());
    }

    private String tokenFrom(JsonNode link, String path) {
        String url = link.get("url").asString();
        assertThat(url).startsWith("https://relay.test" + path + "?token=");
        return URLDecoder.decode(URI.create(url).getRawQuery().substring("token=".length()), StandardCharsets.UTF_8);
    }

    private String preferenceToken() {
        HttpResponse<String> response = api.post("/v1/customers/c-1/preference-links", null);
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode link = read(response.body());
        assertThat(link.get("expiresAt").asString()).isEqualTo("2026-12-04T09:00:00Z");
        return tokenFrom(link, "/preferences");
    }

    private String unsubscribeToken(String category, String channel) {
        HttpResponse<String> response = api.post(
                "/v1/customers/c-1/unsubscribe-links",
                "{\"category\":\"" + category + "\",\"channel\":\"" + channel + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return tokenFrom(read(response.body()), "/unsubscribe");
    }

    private static String q(String token) {
        return java.net.URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private boolean offersByEmail() {
        return read(api.get("/internal/v1/customers/c-1/resolved?category=offers")
                        .body())
                .get("channels")
                .findValuesAsString("channel")
                .contains("email");
    }

    @Test
    void theCustomerReadsAndChangesTheirPreferencesAsJsonAndTheLedgerNamesTheLink() {
        String token = preferenceToken();

        JsonNode mine =
                read(anonymous.get("/v1/me/preferences?token=" + q(token)).body());
        assertThat(mine.get("categories").get("offers").get("channels").get(0).asString())
                .isEqualTo("email");

        HttpResponse<String> put = anonymous.put(
                "/v1/me/preferences?token=" + q(token),
                "{\"categories\":{\"offers\":{\"channels\":[]}},\"quietHours\":{\"start\":\"22:00\",\"end\":\"07:00\"}}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        assertThat(offersByEmail()).isFalse();
        JsonNode ledger = read(api.get("/v1/customers/c-1/consents").body());
        JsonNode last = ledger.get(ledger.size() - 1);
        assertThat(last.get("source").asString()).isEqualTo("preference-centre");
        assertThat(last.get("evidence").asString()).startsWith("lnk_");
    }

    @Test
    void oneClickUnsubscribeTakesEffectAtOnceAndIsRecorded() {
        String token = unsubscribeToken("offers", "email");

        HttpResponse<String> post = anonymous.send(
                "POST",
                "/unsubscribe?token=" + q(token),
                null,
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(post.statusCode()).as("missing List-Unsubscribe=One-Click").isEqualTo(400);
        assertThat(offersByEmail()).isTrue();

        HttpResponse<String> oneClick = postForm(
                "/unsubscribe?token=" + q(token),
                "List-Unsubscribe=One-Click",
                Map.of("X-Forwarded-For", "203.0.113.7", "User-Agent", "ExampleMail/1.0 (one-click)"));

        assertThat(oneClick.statusCode()).isEqualTo(200);
        assertThat(offersByEmail()).isFalse();
        JsonNode ledger = read(api.get("/v1/customers/c-1/consents").body());
        JsonNode last = ledger.get(ledger.size() - 1);
        assertThat(last.get("source").asString()).isEqualTo("one-click-unsubscribe");
        assertThat(last.get("category").asString()).isEqualTo("offers");
        assertThat(last.get("granted").asBoolean()).isFalse();
        JsonNode actor = last.get("actor");
        assertThat(actor.get("ipAddress").asString()).isEqualTo("203.0.113.7");
        assertThat(actor.get("userAgent").asString()).isEqualTo("ExampleMail/1.0 (one-click)");
        assertThat(actor.get("wordingVersion").asString()).matches("w-[0-9a-f]{12}");

        // erased: the decision and the wording stay under the pseudonym; the address and browser go
        assertThat(api.delete("/v1/customers/c-1").statusCode()).isEqualTo(204);
        var kept = jdbc.sql("SELECT ip_address, user_agent, wording_version FROM " + SCHEMA
                        + ".consent_ledger WHERE tenant_id = :t AND source = 'one-click-unsubscribe'")
                .param("t", tenant)
                .query((rs, n) -> java.util.Arrays.asList(
                        rs.getString("ip_address"), rs.getString("user_agent"), rs.getString("wording_version")))
                .single();
        assertThat(kept.get(0)).isNull();
        assertThat(kept.get(1)).isNull();
        assertThat(kept.get(2)).isEqualTo(actor.get("wordingVersion").asString());
    }

    @Test
    void gettingTheUnsubscribeLinkOnlyShowsAConfirmationPage() {
        String token = unsubscribeToken("offers", "email");

        HttpResponse<String> page = anonymous.get("/unsubscribe?token=" + q(token));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("Unsubscribe?").contains("offers");
        assertThat(offersByEmail()).as("a link scanner's GET changes nothing").isTrue();
    }

    @Test
    void theCustomersPagesCannotBeFramedRunNoScriptLeakNoTokenAndAreNotCached() {
        for (HttpResponse<String> page : java.util.List.of(
                anonymous.get("/unsubscribe?token=" + q(unsubscribeToken("offers", "email"))),
                anonymous.get("/preferences?token=" + q(preferenceToken())),
                anonymous.get("/v1/me/preferences?token=" + q(preferenceToken())))) {
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                    .contains("default-src 'none'")
                    .contains("frame-ancestors 'none'")
                    .doesNotContain("script-src");
            assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        }
    }

    @Test
    void forgedOrExpiredLinksAre401AndChangeNothing() {
        String token = unsubscribeToken("offers", "email");
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        String[] parts = token.split("\\.");
        String otherCustomer = java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                new String(java.util.Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)
                                        .replace("\"c-1\"", "\"c-2\"")
                                        .getBytes(StandardCharsets.UTF_8))
                + "." + parts[1];

        assertThat(postForm("/unsubscribe?token=" + q(forged), "List-Unsubscribe=One-Click")
                        .statusCode())
                .isEqualTo(401);
        assertThat(postForm("/unsubscribe?token=" + q(otherCustomer), "List-Unsubscribe=One-Click")
                        .statusCode())
                .isEqualTo(401);
        assertThat(postForm("/unsubscribe", "List-Unsubscribe=One-Click").statusCode())
                .isEqualTo(401);
        assertThat(anonymous.get("/v1/me/preferences?token=" + q(token)).statusCode())
                .as("an unsubscribe link is not a preference-centre link")
                .isEqualTo(401);

        String preferences = preferenceToken();
        CLOCK.advance(Duration.ofDays(8));
        try {
            assertThat(anonymous
                            .get("/v1/me/preferences?token=" + q(preferences))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(anonymous.get("/preferences?token=" + q(preferences)).statusCode())
                    .isEqualTo(401);
        } finally {
            CLOCK.advance(Duration.ofDays(-8));
        }
        assertThat(offersByEmail()).isTrue();
    }

    private HttpResponse<String> postForm(String path, String body) {
        return postForm(path, body, Map.of());
    }

    private HttpResponse<String> postForm(String path, String body, Map<String, String> headers) {
        try {
            var builder = java.net.http.HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(builder::header);
            var request = builder.build();
            return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
