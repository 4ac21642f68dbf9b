package io.relay.e2e;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Twilio simulator's memory: every message it accepted, listed back by {@code GET Messages.json?To=}
 * as Twilio does. sms-service asks that list after a crash between Twilio's answer and its own record;
 * a simulator that always answered "nothing" would make it send again where the real Twilio would not.
 */
final class TwilioLedger implements ResponseTransformerV2 {

    static final String NAME = "twilio-ledger";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /**
     * What the simulator answered 201 for, and when (nanoTime), oldest first: the answer is read only
     * when asked for, once, so the load suite's simulator does not parse 200 answers a second.
     */
    static final class Accepted {
        private final String answer;
        private final long atNanos;
        private volatile JsonNode message;

        Accepted(String answer, long atNanos) {
            this.answer = answer;
            this.atNanos = atNanos;
        }

        JsonNode message() {
            JsonNode read = message;
            if (read == null) {
                read = JSON.readTree(answer);
                message = read;
            }
            return read;
        }

        long atNanos() {
            return atNanos;
        }
    }

    private final ConcurrentLinkedDeque<Accepted> accepted = new ConcurrentLinkedDeque<>();

    /** A request listener: remembers each message the simulator answered 201 for. */
    void record(Request request, Response response) {
        if ("POST".equals(request.getMethod().getName())
                && request.getUrl().contains("/Messages.json")
                && response.getStatus() == 201) {
            accepted.add(new Accepted(response.getBodyAsString(), System.nanoTime()));
        }
    }

    /** Each SMS text the simulator accepted, with when it first did. */
    Map<String, Long> firstAcceptedByBody() {
        Map<String, Long> first = new HashMap<>();
        for (Accepted a : accepted) {
            first.putIfAbsent(a.message().path("body").asString(), a.atNanos());
        }
        return first;
    }

    /** How many SMS texts the simulator accepted more than once. */
    long acceptedMoreThanOnce() {
        Map<String, Integer> times = new HashMap<>();
        accepted.forEach(a -> times.merge(a.message().path("body").asString(), 1, Integer::sum));
        return times.values().stream().filter(n -> n > 1).count();
    }

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        String to = null;
        String url = serveEvent.getRequest().getUrl();
        int query = url.indexOf('?');
        if (query >= 0) {
            for (String pair : url.substring(query + 1).split("&")) {
                if (pair.startsWith("To=")) {
                    to = URLDecoder.decode(pair.substring(3), StandardCharsets.UTF_8);
                }
            }
        }
        ObjectNode page = (ObjectNode) JSON.readTree(response.getBodyAsString());
        ArrayNode messages = page.putArray("messages");
        for (Iterator<Accepted> newestFirst = accepted.descendingIterator(); newestFirst.hasNext(); ) {
            JsonNode message = newestFirst.next().message(); // newest first, as Twilio lists them
            if (to == null || to.equals(message.path("to").asString())) {
                messages.add(message);
            }
        }
        return Response.Builder.like(response).body(page.toString()).build();
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
