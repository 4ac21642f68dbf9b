package io.relay.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * "A value written anywhere in this repository" is refused as a secret: this walks the repository for
 * every value given to a secret (variables and properties, in code, configuration, scripts, manifests
 * and docs) and fails until each one is in public-values.txt.
 */
class PublicValuesTest {

    private static final Path ROOT =
            Path.of("").toAbsolutePath().resolve("../..").normalize();

    /** NAME=value, NAME: value, NAME:-value, NAME:=value, NAME = "value" (quoted or not). */
    private static final Pattern ASSIGNED = Pattern.compile(
            "(?i)(ADMIN_TOKEN|INTERNAL_TOKEN|LINK_SIGNING_KEYS?(?:_PREVIOUS)?|BOOTSTRAP_API_KEY|TWILIO_AUTH_TOKEN"
                    + "|PROVIDER_SECRETS_KEYS?(?:_PREVIOUS)?|secrets-keys?(?:-previous)?"
                    + "|admin-token|internal-token|signing-key|bootstrap-api-key|auth-token)"
                    + "[\"']?\\s*(?::-|:=|=|:)\\s*[\"']?([A-Za-z0-9][A-Za-z0-9._~+/-]{5,})(?![\\w(])");

    private static final Set<String> SKIPPED = Set.of(".git", "target", "node_modules", ".run", ".mvn");

    @Test
    void everySecretValueWrittenInTheRepositoryIsRefused() throws IOException {
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            files.filter(Files::isRegularFile)
                    .filter(file -> ROOT.relativize(file).toString().split("/").length > 0
                            && Stream.of(ROOT.relativize(file).toString().split("/"))
                                    .noneMatch(SKIPPED::contains))
                    .filter(file -> !file.endsWith("public-values.txt"))
                    .forEach(file -> found.addAll(valuesIn(file)));
        }

        assertThat(found).as("the scan finds the local defaults").contains("local-admin-token");
        assertThat(RequiredSecrets.publicValues()).containsAll(found);
    }

    private static Set<String> valuesIn(Path file) {
        Set<String> values = new TreeSet<>();
        String text;
        try {
            if (Files.size(file) > 2_000_000) {
                return values;
            }
            text = Files.readString(file);
        } catch (MalformedInputException e) {
            return values; // not text
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher matcher = ASSIGNED.matcher(text);
        while (matcher.find()) {
            String value = matcher.group(2);
            // a reference to another setting, a placeholder or a header's name, not a value
            if (!value.startsWith("secretKeyRef")
                    && !value.equals("null")
                    && !value.matches("[A-Z_]+")
                    && !value.matches("X-[A-Za-z-]+")
                    && !value.matches("\\w+\\.[A-Z_]+")) {
                values.add(value);
            }
        }
        return values;
    }
}
