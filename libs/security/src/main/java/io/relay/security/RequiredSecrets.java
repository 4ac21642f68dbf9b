package io.relay.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * No public default secrets outside a local run. A service names the secrets it needs in
 * {@code relay.secrets.required} and those it checks only when set in {@code relay.secrets.when-set};
 * unless the {@code local} profile is active, start-up stops, naming the variable, when one is unset,
 * shorter than {@value #MIN_LENGTH} characters, or a value written in this repository (the local
 * defaults, the examples; listed in {@code public-values.txt}, which a test keeps complete). With
 * {@code local} active, a secret left unset gets its local default: one home for those values.
 */
public class RequiredSecrets implements EnvironmentPostProcessor, Ordered {

    public static final int MIN_LENGTH = 32;
    public static final String LOCAL_PROFILE = "local";
    static final String REQUIRED = "relay.secrets.required";
    static final String WHEN_SET = "relay.secrets.when-set";

    /**
     * Every secret a service may need: its variable, the property it is read from, its local default (none
     * for Twilio's: without one, a local run leaves SMS unconfigured unless it brings a token).
     */
    public enum Secret {
        ADMIN_TOKEN("relay.gateway.admin-token", "local-admin-token"),
        INTERNAL_TOKEN("relay.internal-token", "local-internal-token-not-a-secret"),
        LINK_SIGNING_KEY("relay.links.signing-key", "local-link-signing-key-not-a-secret"),
        BOOTSTRAP_API_KEY("relay.gateway.bootstrap-api-key", "local-dev-key"),
        TWILIO_AUTH_TOKEN("twilio.auth-token", null),
        /** The key-encryption key of tenants' provider credentials (SecretBox). */
        PROVIDER_SECRETS_KEY("relay.providers.secrets-key", "local-provider-secrets-key-not-a-secret"),
        /** Keys provider credentials may still be sealed under while a rotation runs (comma-separated). */
        PROVIDER_SECRETS_KEYS_PREVIOUS("relay.providers.secrets-keys-previous", null);

        private final String property;
        private final String localDefault;

        Secret(String property, String localDefault) {
            this.property = property;
            this.localDefault = localDefault;
        }

        public String property() {
            return property;
        }

        public String localDefault() {
            return localDefault;
        }
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        List<Secret> required = named(environment.getProperty(REQUIRED, ""));
        List<Secret> whenSet = named(environment.getProperty(WHEN_SET, ""));
        if (Arrays.asList(environment.getActiveProfiles()).contains(LOCAL_PROFILE)) {
            Map<String, Object> defaults = new HashMap<>();
            for (Secret secret : concat(required, whenSet)) {
                if (secret.localDefault() != null && blank(environment.getProperty(secret.property()))) {
                    defaults.put(secret.property(), secret.localDefault());
                }
            }
            environment.getPropertySources().addFirst(new MapPropertySource("relay-local-secrets", defaults));
            return;
        }
        List<String> problems = new ArrayList<>();
        Set<String> publicValues = publicValues();
        for (Secret secret : required) {
            problem(secret, environment.getProperty(secret.property()), true, publicValues)
                    .ifPresent(problems::add);
        }
        for (Secret secret : whenSet) {
            problem(secret, environment.getProperty(secret.property()), false, publicValues)
                    .ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems)
                    + " (each secret must be your own, at least " + MIN_LENGTH
                    + " characters; only a local run, SPRING_PROFILES_ACTIVE=local, has defaults)");
        }
    }

    /** What is wrong with one secret's value, without ever showing the value. */
    static java.util.Optional<String> problem(Secret secret, String value, boolean required, Set<String> publicValues) {
        if (blank(value)) {
            return required ? java.util.Optional.of(secret.name() + " is not set") : java.util.Optional.empty();
        }
        if (secret.name().endsWith("_PREVIOUS") && value.contains(",")) {
            // a list of keys: each one is a secret of its own
            for (String part : value.split(",")) {
                java.util.Optional<String> wrong = problem(secret, part.strip(), false, publicValues);
                if (wrong.isPresent()) {
                    return java.util.Optional.of(
                            wrong.get().replace(secret.name() + " is", secret.name() + " has a key"));
                }
            }
            return java.util.Optional.empty();
        }
        if (value.length() < MIN_LENGTH) {
            return java.util.Optional.of(secret.name() + " is shorter than " + MIN_LENGTH + " characters");
        }
        if (publicValues.contains(value)) {
            return java.util.Optional.of(
                    secret.name() + " is a value written in the Relay repository, known to anyone");
        }
        return java.util.Optional.empty();
    }

    /** The secret values written anywhere in the repository: defaults, examples, test values. */
    public static Set<String> publicValues() {
        try (InputStream in = RequiredSecrets.class.getResourceAsStream("public-values.txt")) {
            if (in == null) {
                throw new IllegalStateException("public-values.txt is missing from libs/security");
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Secret> named(String list) {
        List<Secret> secrets = new ArrayList<>();
        for (String name : list.split(",")) {
            if (!name.isBlank()) {
                secrets.add(Secret.valueOf(name.strip()));
            }
        }
        return secrets;
    }

    private static List<Secret> concat(List<Secret> a, List<Secret> b) {
        List<Secret> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** After the configuration files are read (so their profiles and values count). */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
