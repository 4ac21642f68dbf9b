package io.relay.channel.sms;

import io.relay.web.RequestContextFilter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Which tenants an inbound SMS concerns, asked of the gateway, which keeps the map from each tenant's
 * configured sender in PostgreSQL (on its operator listener, {@code /internal/sms-senders}). A message to
 * the platform's own sender (the provider account's default) concerns every tenant without a sender of its own.
 */
public final class SenderTenants {

    private static final ParameterizedTypeReference<Map<String, List<String>>> ANSWER =
            new ParameterizedTypeReference<>() {};

    private final RestClient gateway;
    private final String platformSender;
    private final String gatewayAdminUrl;

    /**
     * @param platformSender the provider account's own sender, used by tenants without one of their own
     * @param gatewayAdminUrl the gateway's operator listener
     * @param internalToken the gateway's proof that the caller is one of ours
     */
    public SenderTenants(String platformSender, String gatewayAdminUrl, String internalToken) {
        SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
        factory.setConnectTimeout(Duration.ofSeconds(2));
        factory.setReadTimeout(Duration.ofSeconds(5));
        this.gateway = RestClient.builder()
                .requestFactory(factory)
                .defaultHeader(RequestContextFilter.INTERNAL_TOKEN, internalToken)
                .build();
        this.platformSender = platformSender;
        this.gatewayAdminUrl = gatewayAdminUrl.endsWith("/")
                ? gatewayAdminUrl.substring(0, gatewayAdminUrl.length() - 1)
                : gatewayAdminUrl;
    }

    /** The tenants sending from {@code to} (the number that received it) or {@code messagingService}. */
    public List<String> of(String to, String messagingService) {
        List<String> senders = new ArrayList<>(List.of(to));
        if (messagingService != null && !messagingService.isBlank()) {
            senders.add(messagingService);
        }
        boolean platform = platformSender != null && senders.contains(platformSender);
        // each value encoded whole: a '+' left as it is would arrive as a space
        StringBuilder query = new StringBuilder("/internal/sms-senders?platform=").append(platform);
        for (String sender : senders) {
            query.append("&sender=").append(URLEncoder.encode(sender, StandardCharsets.UTF_8));
        }
        Map<String, List<String>> answer = gateway.get()
                .uri(URI.create(gatewayAdminUrl + query))
                .retrieve()
                .body(ANSWER);
        return answer == null ? List.of() : answer.getOrDefault("tenants", List.of());
    }
}
