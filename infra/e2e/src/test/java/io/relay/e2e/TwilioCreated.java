package io.relay.e2e;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.FormParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Twilio simulator's answer to "create a Message" for the load suite: the same body as
 * {@code infra/wiremock/__files/twilio/message-created.json} (201, queued, the request's To, From,
 * Body and MessagingServiceSid echoed, a new SM sid), built in Java instead of by the Handlebars
 * template, which was about a tenth of the load generator's CPU: the simulator's cost must not hide
 * the platform's own (issue 20).
 */
final class TwilioCreated implements ResponseTransformerV2 {

    static final String NAME = "twilio-created";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        String path = request.getUrl();
        String account = path.split("/")[3]; // /2010-04-01/Accounts/{AccountSid}/Messages.json
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String sid = "SM%016x%016x".formatted(random.nextLong(), random.nextLong());
        String now = RFC_2822.format(Instant.now());
        Map<String, FormParameter> form = request.formParameters();
        ObjectNode message = JSON.createObjectNode();
        message.put("account_sid", account);
        message.put("api_version", "2010-04-01");
        message.put("body", value(form, "Body", ""));
        message.put("date_created", now);
        message.putNull("date_sent");
        message.put("date_updated", now);
        message.put("direction", "outbound-api");
        message.putNull("error_code");
        message.putNull("error_message");
        message.put("from", value(form, "From", null));
        message.put("messaging_service_sid", value(form, "MessagingServiceSid", null));
        message.put("num_media", "0");
        message.put("num_segments", "1");
        message.putNull("price");
        message.putNull("price_unit");
        message.put("sid", sid);
        message.put("status", "queued");
        message.putObject("subresource_uris")
                .put("media", "/2010-04-01/Accounts/" + account + "/Messages/" + sid + "/Media.json");
        message.put("to", value(form, "To", null));
        message.put("uri", "/2010-04-01/Accounts/" + account + "/Messages/" + sid + ".json");
        return Response.Builder.like(response).but().body(message.toString()).build();
    }

    private static String value(Map<String, FormParameter> form, String name, String absent) {
        FormParameter parameter = form.get(name);
        return parameter == null || !parameter.isPresent() ? absent : parameter.firstValue();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }
}
