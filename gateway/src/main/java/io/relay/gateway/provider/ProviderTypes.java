package io.relay.gateway.provider;

import io.relay.gateway.edge.Answers.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The kinds of provider account a tenant can connect, the channel each serves, and what a valid one
 * holds. Only kinds whose channel service sends through a tenant's own account are accepted: Twilio
 * (sms) today; SMTP relays and FCM projects are refused by name until email and push use them.
 */
final class ProviderTypes {

    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final Pattern MESSAGING_SERVICE = Pattern.compile("MG[0-9a-fA-F]{32}");
    private static final Pattern API_KEY_SID = Pattern.compile("SK[0-9a-fA-F]{32}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]{16,128}");
    private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,100}");

    static final Set<String> CHANNELS = Set.of("sms", "email", "push");

    private static final Set<String> TWILIO_CONFIG = Set.of("accountSid", "messagingServiceSid", "from", "apiKeySid");
    private static final Set<String> TWILIO_SECRETS = Set.of("authToken", "apiKeySecret");

    private ProviderTypes() {}

    /** The channel a kind serves, or null when the kind is not one we take. */
    static String channelOf(String type) {
        return "twilio".equals(type) ? "sms" : null;
    }

    /**
     * What is wrong with an account: {@code config} as it will be stored, {@code secrets} the names of the
     * secrets it will hold (the new ones and, on a change, those it keeps).
     */
    static List<FieldError> check(String type, String name, Map<String, Object> config, Set<String> secrets) {
        List<FieldError> errors = new ArrayList<>();
        if (type == null || channelOf(type) == null) {
            errors.add(new FieldError(
                    "type",
                    "smtp".equals(type) || "fcm".equals(type)
                            ? "is not taken yet: only twilio accounts can be connected so far"
                            : "must be twilio"));
            return errors;
        }
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add(new FieldError("name", "is required: 1-100 characters, no control characters"));
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

    /** What is wrong with the secrets given (their values; never echoed). */
    static List<FieldError> checkSecrets(String type, Map<String, String> secrets) {
        List<FieldError> errors = new ArrayList<>();
        secrets.forEach((key, value) -> {
            if (!TWILIO_SECRETS.contains(key)) {
                errors.add(new FieldError("secrets." + key, "is not a twilio secret (apiKeySecret, authToken)"));
            } else if (value == null || !TOKEN.matcher(value).matches()) {
                errors.add(new FieldError("secrets." + key, "must be 16-128 letters and digits"));
            }
        });
        return errors;
    }
}
