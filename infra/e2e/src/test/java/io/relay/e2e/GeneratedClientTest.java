package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.relay.client.ApiClient;
import io.relay.client.ApiException;
import io.relay.client.api.CategoriesApi;
import io.relay.client.api.CustomersApi;
import io.relay.client.api.MessagesApi;
import io.relay.client.model.CategoryRequest;
import io.relay.client.model.Content;
import io.relay.client.model.Customer;
import io.relay.client.model.CustomerProfile;
import io.relay.client.model.EmailContent;
import io.relay.client.model.MessageRequest;
import io.relay.client.model.MessageView;
import io.relay.client.model.TimelineEntry;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The public OpenAPI document as a client generator sees it: the Java client openapi-generator writes
 * from gateway/src/main/resources/static/openapi.json (infra/e2e's pom, at build time) runs the
 * README's first message, "Try it yourself", against the six services: a customer, a message, its
 * timeline until it is sent, and the mail at the SMTP server. A document that lost an operation, a
 * parameter or a body would not compile or not pass here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedClientTest {

    private RunningSystem system;
    private ApiClient client;

    @BeforeAll
    void startSystem() {
        system = RunningSystem.shared();
        URI gateway = URI.create(system.gatewayUrl());
        client = new ApiClient()
                .setScheme(gateway.getScheme())
                .setHost(gateway.getHost())
                .setPort(gateway.getPort())
                .setRequestInterceptor(request -> request.header("Authorization", "Bearer " + RunningSystem.API_KEY));
    }

    @Test
    void theReadmesFirstMessageRunsThroughTheGeneratedClient() throws Exception {
        new CategoriesApi(client)
                .putCategory(
                        "appointments",
                        new CategoryRequest()
                                .description("Appointment reminders")
                                .kind("transactional")
                                .defaultChannels(List.of("email", "sms"))
                                .urgentAllowed(true));
        String customerId = "c-7-" + UUID.randomUUID().toString().substring(0, 8);

        Customer customer = new CustomersApi(client)
                .putCustomer(
                        customerId,
                        new CustomerProfile().email("sam@example.org").timeZone("Europe/Amsterdam"));
        Map<String, String> accepted = new MessagesApi(client)
                .sendMessage(
                        new MessageRequest()
                                .customerId(customerId)
                                .category("appointments")
                                .content(new Content()
                                        .email(new EmailContent().subject("Hi").text("See you at 09:30"))),
                        null,
                        null);

        assertThat(customer.getCustomerId()).isEqualTo(customerId);
        assertThat(customer.getTimeZone()).isEqualTo("Europe/Amsterdam");
        assertThat(accepted).containsEntry("status", "accepted").containsKey("id");
        String id = accepted.get("id");
        MessagesApi messages = new MessagesApi(client);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "sent".equals(messages.getMessage(id).getStatus()));
        MessageView sent = messages.getMessage(id);
        assertThat(sent.getChannel()).isEqualTo("email");
        assertThat(sent.getTimeline()).extracting(TimelineEntry::getEvent).contains("accepted", "dispatched", "sent");
        assertThat(system.smtp.received()).extracting(MimeMessage::getMessageID).contains("<" + id + "@relay>");
    }

    @Test
    void aRefusalReachesTheGeneratedClientAsItsProblemWithTheStatus() {
        MessagesApi messages = new MessagesApi(client);

        assertThatThrownBy(() -> messages.getMessage("no-such-message"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getResponseBody()).contains("\"status\":404");
                });
    }
}
