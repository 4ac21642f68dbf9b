package io.relay.e2e;

import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.SmtpServer;
import io.relay.testsupport.TestNames;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * gateway, preference-service, routing-service and email-service as real processes, on the
 * machine's PostgreSQL (fresh databases), Redis and RabbitMQ (a vhost of their own), sending to a real
 * SMTP server in this JVM.
 */
final class RunningSystem implements AutoCloseable {

    // every secret made for this run: the services start as in production (no local profile, no
    // defaults), so a link or token test proves the signature check, not only expiry and purpose
    static final String API_KEY = secret();
    static final String TENANT = "e2e-tenant";
    static final String ADMIN_TOKEN = secret();
    static final String INTERNAL_TOKEN = secret();
    static final String LINK_SIGNING_KEY = secret();
    static final String PROVIDER_SECRETS_KEY = secret();
    /** Ports for the tenants' own SMTP relays a test starts (ProvidersEndToEndTest): reachable by email-service. */
    static final int[] RELAY_PORTS = {LocalInfrastructure.freePort(), LocalInfrastructure.freePort()};

    private static final String RELAYS = "127.0.0.1:" + RELAY_PORTS[0] + ",127.0.0.1:" + RELAY_PORTS[1];

    static final String TWILIO_SID = "AC00000000000000000000000000000e2e";
    static final String TWILIO_TOKEN = java.util.HexFormat.of().formatHex(randomBytes(16));
    static final String TWILIO_FROM = "+3197010000777";

    final SmtpServer smtp = SmtpServer.start();
    /** Twilio and FCM at the wire: the same stubs the local simulator uses. */
    final com.github.tomakehurst.wiremock.WireMockServer providers = startProviders();

    final RabbitVhost vhost = RabbitVhost.create();
    final String preferenceDb = TestNames.schema("e2e_pref");
    final String routingDb = TestNames.schema("e2e_routing");
    final String gatewayDb = TestNames.schema("e2e_gateway");
    final ServiceProcess preference;
    final ServiceProcess routing;
    final ServiceProcess email;
    final ServiceProcess gateway;
    final ServiceProcess sms;
    final ServiceProcess push;
    /** The gateway's operator listener (ADMIN_PORT): /admin/** lives there only. */
    final int operatorPort;

    private static RunningSystem shared;

    /**
     * The one system all end-to-end test classes drive: started on first use, stopped when the test
     * JVM exits (starting six services costs more than every test together).
     */
    static synchronized RunningSystem shared() {
        if (shared == null) {
            try {
                RunningSystem system = new RunningSystem();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        system.close();
                    } catch (SQLException e) {
                        System.err.println("e2e clean-up: " + e.getMessage());
                    }
                }));
                system.start();
                shared = system;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** 43 random characters: a secret no one has seen before this run. */
    static String secret() {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    /** A client that calls a service directly as the gateway does: the tenant, and this run's proof. */
    static io.relay.testsupport.Http asGateway(String baseUrl, String tenantId) {
        return new io.relay.testsupport.Http(baseUrl)
                .header("X-Tenant-Id", tenantId)
                .header("X-Internal-Token", INTERNAL_TOKEN);
    }

    /** This machine's PostgreSQL runs without autovacuum; production's does not (AutovacuumStandIn). */
    private final io.relay.testsupport.AutovacuumStandIn autovacuum;

    private RunningSystem() throws SQLException {
        createDatabase(preferenceDb);
        createDatabase(routingDb);
        createDatabase(gatewayDb);
        autovacuum = io.relay.testsupport.AutovacuumStandIn.start(
                Duration.ofSeconds(30),
                java.util.stream.Stream.of(preferenceDb, routingDb, gatewayDb)
                        .map(db -> io.relay.testsupport.AutovacuumStandIn.Target.database(jdbcUrl(db)))
                        .toList());
        int preferencePort = LocalInfrastructure.freePort();
        int routingPort = LocalInfrastructure.freePort();
        operatorPort = LocalInfrastructure.freePort();
        Map<String, String> common = new HashMap<>();
        common.put("RABBITMQ_VHOST", vhost.name());
        // the fault suite brings its own broker node and Redis, to restart them
        if (System.getProperty("e2e.rabbit-port") != null) {
            common.put("RABBITMQ_PORT", System.getProperty("e2e.rabbit-port"));
            common.put("RABBITMQ_VHOST", "/");
        }
        if (System.getProperty("e2e.redis-port") != null) {
            common.put("REDIS_PORT", System.getProperty("e2e.redis-port"));
        }
        common.put("LOG_FORMAT", "logstash");
        common.put("INTERNAL_TOKEN", INTERNAL_TOKEN);
        // the gateway seals tenants' provider credentials under it, sms-service opens them
        common.put("PROVIDER_SECRETS_KEY", PROVIDER_SECRETS_KEY);
        // the tests' webhook receiver (the providers' WireMock, plain http on this machine) and nothing else
        common.put("WEBHOOK_ALLOWED_HOSTS", "localhost:" + providers.port());
        // every span goes to the providers' WireMock, standing in for an OpenTelemetry collector
        if (!Boolean.getBoolean("e2e.no-trace-export")) {
            common.put("OTLP_TRACING_ENDPOINT", providers.baseUrl() + "/v1/traces");
        }
        common.put("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_SCHEDULE_DELAY", "200ms");
        // the fault suite re-drives sooner than 5 minutes, so its settling sees the re-drive's work
        if (System.getProperty("e2e.redrive-after") != null) {
            common.put("SCHEDULER_REDRIVE_AFTER", System.getProperty("e2e.redrive-after"));
        }
        // the load suite samples as a busy deployment would (infra/load/run.sh: LOAD_TRACING_SAMPLING)
        if (System.getProperty("e2e.tracing-sampling") != null) {
            common.put("TRACING_SAMPLING_PROBABILITY", System.getProperty("e2e.tracing-sampling"));
        }
        Map<String, String> preferenceEnv = with(common, "POSTGRES_URL", jdbcUrl(preferenceDb));
        preferenceEnv.put("LINK_SIGNING_KEY", LINK_SIGNING_KEY);
        preferenceEnv.put("ROUTING_SERVICE_URL", "http://127.0.0.1:" + routingPort);
        preference =
                new ServiceProcess("preference-service", "services/preference-service", preferencePort, preferenceEnv);
        Map<String, String> routingEnv = with(common, "POSTGRES_URL", jdbcUrl(routingDb));
        routingEnv.put("PREFERENCE_SERVICE_URL", "http://127.0.0.1:" + preferencePort);
        if (System.getProperty("e2e.routing-consumers") != null) {
            routingEnv.put("ROUTING_CONSUMERS", System.getProperty("e2e.routing-consumers"));
        }
        routing = new ServiceProcess("routing-service", "services/routing-service", routingPort, routingEnv);
        Map<String, String> emailEnv = with(common, "SMTP_HOST", "127.0.0.1");
        emailEnv.put("SMTP_PORT", Integer.toString(smtp.port()));
        emailEnv.put("LINK_SIGNING_KEY", LINK_SIGNING_KEY);
        // one SMTP transaction at a time, so the crash test knows which one it interrupts
        emailEnv.put("EMAIL_CONSUMERS", System.getProperty("e2e.email-consumers", "1"));
        // a crash mid-send blocks that message for the lease: short here, so the crash test is quick
        emailEnv.put("EMAIL_SENDING_LEASE", "3s");
        int emailPort = LocalInfrastructure.freePort();
        emailEnv.put("GATEWAY_ADMIN_URL", "http://127.0.0.1:" + operatorPort); // tenants' own relays
        // the tests' SMTP servers for tenants' own relays, on this machine
        emailEnv.put("PROVIDER_ALLOWED_HOSTS", "127.0.0.1:" + smtp.port() + "," + RELAYS);
        email = new ServiceProcess("email-service", "services/email-service", emailPort, emailEnv);
        Map<String, String> gatewayEnv = new HashMap<>(common);
        gatewayEnv.remove("RABBITMQ_VHOST");
        gatewayEnv.put("POSTGRES_URL", jdbcUrl(gatewayDb));
        gatewayEnv.put("ROUTING_SERVICE_URL", "http://127.0.0.1:" + routingPort);
        gatewayEnv.put("PREFERENCE_SERVICE_URL", "http://127.0.0.1:" + preferencePort);
        int smsPort = LocalInfrastructure.freePort();
        gatewayEnv.put("SMS_SERVICE_URL", "http://127.0.0.1:" + smsPort);
        gatewayEnv.put("EMAIL_SERVICE_URL", "http://127.0.0.1:" + emailPort);
        int pushPort = LocalInfrastructure.freePort();
        gatewayEnv.put("PUSH_SERVICE_URL", "http://127.0.0.1:" + pushPort);
        gatewayEnv.put("BOOTSTRAP_API_KEY", API_KEY);
        gatewayEnv.put("ADMIN_TOKEN", ADMIN_TOKEN);
        gatewayEnv.put("ADMIN_PORT", Integer.toString(operatorPort));
        gatewayEnv.put("BOOTSTRAP_TENANT_ID", TENANT);
        gateway = new ServiceProcess("gateway", "gateway", LocalInfrastructure.freePort(), gatewayEnv);
        Map<String, String> smsEnv = new HashMap<>(common);
        smsEnv.put("TWILIO_ACCOUNT_SID", TWILIO_SID);
        smsEnv.put("TWILIO_AUTH_TOKEN", TWILIO_TOKEN);
        smsEnv.put("TWILIO_FROM", TWILIO_FROM);
        smsEnv.put("TWILIO_API_BASE_URL", providers.baseUrl());
        smsEnv.put("PUBLIC_BASE_URL", gateway.baseUrl()); // Twilio signs the URL it calls: the gateway's
        smsEnv.put("GATEWAY_ADMIN_URL", operatorUrl()); // which tenants send from a number
        sms = new ServiceProcess("sms-service", "services/sms-service", smsPort, smsEnv);
        Map<String, String> pushEnv = new HashMap<>(common);
        pushEnv.put("GATEWAY_ADMIN_URL", operatorUrl()); // tenants' own FCM projects
        pushEnv.put("PROVIDER_ALLOWED_HOSTS", "127.0.0.1:" + providers.port() + ",localhost:" + providers.port());
        push = new ServiceProcess("push-service", "services/push-service", pushPort, pushEnv);
    }

    private static final TwilioLedger LEDGER = new TwilioLedger();

    private static com.github.tomakehurst.wiremock.WireMockServer startProviders() {
        var options = com.github.tomakehurst.wiremock.core.WireMockConfiguration.options()
                .dynamicPort()
                // a simulated provider's latency must not hold a thread: the load suite
                // sends hundreds of requests a second at 40-120 ms each
                .containerThreads(100)
                .asynchronousResponseEnabled(true)
                .asynchronousResponseThreads(20)
                .extensions(LEDGER, new TwilioCreated())
                .usingFilesUnderDirectory("../wiremock");
        if (Boolean.getBoolean("e2e.no-request-journal")) {
            // the load suite: tens of thousands of requests it never looks up (TwilioLedger keeps what it needs),
            // nor a log line WireMock would format for each and then drop (a quarter of its request handling)
            options.disableRequestJournal();
            options.stubRequestLoggingDisabled(true);
        }
        var server = new com.github.tomakehurst.wiremock.WireMockServer(options);
        server.start();
        server.addMockServiceRequestListener(LEDGER::record);
        // Twilio's message list from what the simulator accepted (the file stub answers an empty page)
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(
                                "/2010-04-01/Accounts/[^/]+/Messages\\.json"))
                .atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody(
                                "{\"end\":0,\"first_page_uri\":\"/2010-04-01/Accounts/AC/Messages.json?PageSize=50&Page=0\","
                                        + "\"next_page_uri\":null,\"page\":0,\"page_size\":50,\"previous_page_uri\":null,"
                                        + "\"messages\":[],\"start\":0,\"uri\":\"/2010-04-01/Accounts/AC/Messages.json?PageSize=50&Page=0\"}")
                        .withTransformers(TwilioLedger.NAME)));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/traces")
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.ok()));
        return server;
    }

    List<ServiceProcess> all() {
        return List.of(preference, routing, email, gateway, sms, push);
    }

    void start() {
        long started = System.nanoTime();
        all().forEach(ServiceProcess::start);
        CompletableFuture.allOf(all().stream()
                        .map(s -> CompletableFuture.runAsync(() -> {
                            s.awaitReady(Duration.ofSeconds(120));
                            System.out.printf(
                                    "e2e: %s ready %.1f s after the six were started%n",
                                    s.name(), (System.nanoTime() - started) / 1e9);
                        }))
                        .toArray(CompletableFuture[]::new))
                .join();
        System.out.printf("e2e: all six ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /**
     * Twilio calling the gateway, signed as Twilio does it: base64(HMAC-SHA1(auth token, URL + posted
     * names and values, sorted)).
     */
    java.net.http.HttpResponse<String> twilioCalls(String pathAndQuery, Map<String, String> params) throws Exception {
        return twilioCalls(pathAndQuery, params, TWILIO_TOKEN);
    }

    /** The same, signed with {@code token}: a tenant's own Twilio account calling. */
    java.net.http.HttpResponse<String> twilioCalls(String pathAndQuery, Map<String, String> params, String token)
            throws Exception {
        String url = gatewayUrl() + pathAndQuery;
        StringBuilder signed = new StringBuilder(url);
        new java.util.TreeMap<>(params).forEach((k, v) -> signed.append(k).append(v));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(
                token.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
        String signature = java.util.Base64.getEncoder()
                .encodeToString(mac.doFinal(signed.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String form = params.entrySet().stream()
                .map(e -> java.net.URLEncoder.encode(e.getKey(), java.nio.charset.StandardCharsets.UTF_8) + "="
                        + java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8))
                .collect(java.util.stream.Collectors.joining("&"));
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .header("X-Twilio-Signature", signature)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** A line for a report when this server runs without autovacuum and the suite stands in; else nothing. */
    String autovacuumNote() {
        return autovacuum.active()
                ? "PostgreSQL here runs without autovacuum: the suite vacuumed and analysed its databases every 30 s ("
                        + autovacuum.rounds() + " rounds), as autovacuum would\n"
                : "";
    }

    /** What the Twilio simulator accepted. */
    TwilioLedger twilio() {
        return LEDGER;
    }

    String gatewayUrl() {
        return gateway.baseUrl();
    }

    String operatorUrl() {
        return "http://127.0.0.1:" + operatorPort;
    }

    @Override
    public void close() throws SQLException {
        // every service told first, then waited for: each finishes in flight work (and writes its AOT cache
        // when training one) at the same time as the others
        all().reversed().forEach(ServiceProcess::signalStop);
        all().forEach(ServiceProcess::waitForExit);
        smtp.close();
        providers.stop();
        vhost.close();
        autovacuum.close();
        dropDatabase(preferenceDb);
        dropDatabase(routingDb);
        dropDatabase(gatewayDb);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    static String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:5432/" + database;
    }

    private static void createDatabase(String name) throws SQLException {
        admin("CREATE DATABASE " + name);
    }

    private static void dropDatabase(String name) throws SQLException {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void admin(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:postgresql://localhost:5432/postgres", LocalInfrastructure.postgresUser(), null);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
