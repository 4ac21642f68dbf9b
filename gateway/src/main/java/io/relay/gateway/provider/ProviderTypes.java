package io.relay.gateway.provider;

import io.relay.gateway.edge.Answers.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The kinds of provider account a tenant can connect, the channel each serves, and what a valid one
 * holds: Twilio accounts (sms), SMTP relays (email) and FCM projects (push).
 */
final class ProviderTypes {

    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final Pattern MESSAGING_SERVICE = Pattern.compile("MG[0-9a-fA-F]{32}");
    private static final Pattern API_KEY_SID = Pattern.compile("SK[0-9a-fA-F]{32}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]{16,128}");
    /** No control, format or private-use characters, no line or paragraph separators (U+2028, U+202E…). */
    private static final Pattern NAME = Pattern.compile("[^\\p{C}\\p{Zl}\\p{Zp}]{1,100}");

    /** At most this many accounts per channel and tenant: each is checked with its provider and kept in memory. */
    static final int MAX_PER_CHANNEL = 10;

    static final Set<String> CHANNELS = Set.of("sms", "email", "push");

    private static final Set<String> TWILIO_CONFIG = Set.of("accountSid", "messagingServiceSid", "from", "apiKeySid");
    private static final Set<String> TWILIO_SECRETS = Set.of("authToken", "apiKeySecret");
    private static final Set<String> SMTP_CONFIG = Set.of("host", "port", "tls", "username", "returnPathDomain");
    private static final Set<String> SMTP_SECRETS = Set.of("password");
    private static final Pattern HOST =
            Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern DOMAIN =
            Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");
    private static final Pattern PRINTABLE = Pattern.compile("[^\\p{Cntrl}]{1,512}");

    private ProviderTypes() {}

    /** The channel a kind serves, or null when the kind is not one we take. */
    static String channelOf(String type) {
        return type == null
                ? null
                : switch (type) {
                    case "twilio" -> "sms";
                    case "smtp" -> "email";
                    case "fcm" -> "push";
                    default -> null;
                };
    }

    /**
     * What is wrong with an account: {@code config} as it will be stored, {@code secrets} the names of the
     * secrets it will hold (the new ones and, on a change, those it keeps).
     */
    static List<FieldError> check(String type, String name, Map<String, Object> config, Set<String> secrets) {
        List<FieldError> errors = new ArrayList<>();
        if (type == null || channelOf(type) == null) {
            errors.add(new FieldError("type", "must be twilio (sms), smtp (email) or fcm (push)"));
            return errors;
        }
        if (name == null || name.isBlank() || !NAME.matcher(name).matches()) {
            errors.add(new FieldError("name", "is required: 1-100 characters, no control characters"));
        }
        config.forEach((key, value) -> {
            if (value == null) {
                errors.add(new FieldError("config." + key, "must not be null: leave it out instead"));
            }
        });
        if (!errors.isEmpty()) {
            return errors;
        }
        if ("smtp".equals(type)) {
            checkSmtp(config, secrets, errors);
            return errors;
        }
        if ("fcm".equals(type)) {
            checkFcm(config, secrets, errors);
            return errors;
        }
        for (String key : config.keySet()) {
            if (!TWILIO_CONFIG.contains(key)) {
                errors.add(new FieldError(
                        "config." + key,
                        "is not a twilio setting ("
                                + String.join(
                                        ", ", TWILIO_CONFIG.stream().sorted().toList()) + ")"));
            }
        }
        if (!(config.get("accountSid") instanceof String sid)
                || !ACCOUNT_SID.matcher(sid).matches()) {
            errors.add(new FieldError("config.accountSid", "is required: AC followed by 32 hexadecimal digits"));
        }
        Object service = config.get("messagingServiceSid");
        if (service != null
                && !(service instanceof String s && MESSAGING_SERVICE.matcher(s).matches())) {
            errors.add(new FieldError("config.messagingServiceSid", "must be MG followed by 32 hexadecimal digits"));
        }
        Object from = config.get("from");
        if (from != null
                && !(from instanceof List<?> numbers
                        && !numbers.isEmpty()
                        && numbers.size() <= 20
                        && numbers.stream()
                                .allMatch(n ->
                                        n instanceof String s && E164.matcher(s).matches()))) {
            errors.add(new FieldError("config.from", "must be a list of 1-20 E.164 numbers (+15551234567)"));
        }
        if (service == null && from == null) {
            errors.add(new FieldError("config", "needs a sender: messagingServiceSid or from"));
        }
        Object apiKey = config.get("apiKeySid");
        if (apiKey != null
                && !(apiKey instanceof String s && API_KEY_SID.matcher(s).matches())) {
            errors.add(new FieldError("config.apiKeySid", "must be SK followed by 32 hexadecimal digits"));
        }
        if (!secrets.contains("authToken")) {
            errors.add(new FieldError(
                    "secrets.authToken",
                    "is required: the account's auth token, which Twilio also signs its webhooks with"));
        }
        if (apiKey != null && !secrets.contains("apiKeySecret")) {
            errors.add(new FieldError("secrets.apiKeySecret", "is required with config.apiKeySid"));
        }
        return errors;
    }

    private static final Pattern PROJECT_ID = Pattern.compile("[a-z][a-z0-9-]{4,28}[a-z0-9]");

    private static void checkFcm(Map<String, Object> config, Set<String> secrets, List<FieldError> errors) {
        for (String key : config.keySet()) {
            if (!"projectId".equals(key)) {
                errors.add(new FieldError("config." + key, "is not an fcm setting (projectId)"));
            }
        }
        if (!(config.get("projectId") instanceof String project)
                || !PROJECT_ID.matcher(project).matches()) {
            errors.add(new FieldError("config.projectId", "is required: the Firebase project's id (6-30 a-z, 0-9, -)"));
        }
        if (!secrets.contains("serviceAccountJson")) {
            errors.add(new FieldError(
                    "secrets.serviceAccountJson", "is required: the project's service-account key, as JSON text"));
        }
    }

    private static void checkSmtp(Map<String, Object> config, Set<String> secrets, List<FieldError> errors) {
        for (String key : config.keySet()) {
            if (!SMTP_CONFIG.contains(key)) {
                errors.add(new FieldError(
                        "config." + key,
                        "is not an smtp setting ("
                                + String.join(
                                        ", ", SMTP_CONFIG.stream().sorted().toList()) + ")"));
            }
        }
        if (!(config.get("host") instanceof String host) || !HOST.matcher(host).matches()) {
            errors.add(new FieldError("config.host", "is required: the relay's host name"));
        }
        if (!(config.get("port") instanceof Integer port) || port < 1 || port > 65535) {
            errors.add(new FieldError("config.port", "is required: 1-65535 (587 for STARTTLS, 465 for TLS)"));
        }
        Object tls = config.get("tls");
        if (tls != null && !("starttls".equals(tls) || "tls".equals(tls) || "none".equals(tls))) {
            errors.add(new FieldError("config.tls", "must be starttls (the default), tls or none"));
        }
        Object username = config.get("username");
        if (username != null
                && !(username instanceof String u && PRINTABLE.matcher(u).matches() && u.length() <= 256)) {
            errors.add(new FieldError("config.username", "must be 1-256 characters, no control characters"));
        }
        if (username != null && !secrets.contains("password")) {
            errors.add(new FieldError("secrets.password", "is required with config.username"));
        }
        Object domain = config.get("returnPathDomain");
        if (domain != null && !(domain instanceof String d && DOMAIN.matcher(d).matches())) {
            errors.add(new FieldError("config.returnPathDomain", "must be a domain name (bounces.example.com)"));
        }
    }

    /** What is wrong with the secrets given (their values; never echoed). */
    static List<FieldError> checkSecrets(String type, Map<String, String> secrets) {
        List<FieldError> errors = new ArrayList<>();
        boolean smtp = "smtp".equals(type);
        if ("fcm".equals(type)) {
            secrets.forEach((key, value) -> {
                if (!"serviceAccountJson".equals(key)) {
                    errors.add(new FieldError("secrets." + key, "is not an fcm secret (serviceAccountJson)"));
                } else if (value == null
                        || value.length() > 16_384
                        || !value.strip().startsWith("{")) {
                    errors.add(new FieldError(
                            "secrets." + key, "must be the service-account key's JSON text (at most 16 KB)"));
                }
            });
            return errors;
        }
        secrets.forEach((key, value) -> {
            if (!(smtp ? SMTP_SECRETS : TWILIO_SECRETS).contains(key)) {
                errors.add(new FieldError(
                        "secrets." + key,
                        smtp
                                ? "is not an smtp secret (password)"
                                : "is not a twilio secret (apiKeySecret, authToken)"));
            } else if (value == null
                    || !(smtp ? PRINTABLE : TOKEN).matcher(value).matches()) {
                errors.add(new FieldError(
                        "secrets." + key,
                        smtp
                                ? "must be 1-512 characters, no control characters"
                                : "must be 16-128 letters and digits"));
            }
        });
        return errors;
    }
}
