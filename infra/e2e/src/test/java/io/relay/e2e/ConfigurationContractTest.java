package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/configuration.md against the code, not against a grep: every environment variable a service reads
 * is written in its application.yml ({@code ${VARIABLE:default}}, the one place defaults live), bound to a
 * property the service's configuration metadata declares (the metadata of every jar in its executable
 * jar: our settings records and Spring Boot's own), and documented, under its name, in
 * docs/configuration.md, which names no variable that nothing reads. Every {@code relay.*} key of a yml is
 * a declared setting, so a misspelt key cannot be silently ignored.
 */
class ConfigurationContractTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Map<String, String> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("gateway", "gateway");
        for (String name : List.of("preference", "routing", "sms", "email", "push")) {
            SERVICES.put(name, "services/" + name + "-service");
        }
    }

    /** Read by something other than a service's yml, each for the reason given. */
    private static final Map<String, String> NOT_IN_A_YML = Map.of(
            "SPRING_PROFILES_ACTIVE", "Spring Boot's own switch; libs/security reads it to tell a local run",
            "JAVA_TOOL_OPTIONS", "read by the JVM",
            "OTLP_TRACING_ENDPOINT", "libs/observability maps it (Boot makes an exporter for any endpoint property)",
            "TRACING_SAMPLING_PROBABILITY", "libs/observability maps it with the endpoint");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    /** A variable's name as the doc writes one: in backticks, upper case, with an underscore. */
    private static final Pattern DOCUMENTED = Pattern.compile("`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`");

    /** service → (property → the variable that sets it) */
    private static final Map<String, Map<String, String>> BOUND = new TreeMap<>();
    /** service → every property its yml sets */
    private static final Map<String, Set<String>> YML_KEYS = new TreeMap<>();
    /** service → every property its metadata declares, and those of Map type (keys below them are free) */
    private static final Map<String, Set<String>> DECLARED = new TreeMap<>();

    private static final Map<String, Set<String>> MAPS = new TreeMap<>();

    @BeforeAll
    static void read() throws IOException {
        for (Map.Entry<String, String> service : SERVICES.entrySet()) {
            Map<String, Object> flat = new TreeMap<>();
            try (InputStream in = Files.newInputStream(
                    ROOT.resolve(service.getValue()).resolve("src/main/resources/application.yml"))) {
                flatten("", new Yaml().load(in), flat);
            }
            Map<String, String> bound = new TreeMap<>();
            flat.forEach((property, value) -> {
                Matcher m = VARIABLE.matcher(String.valueOf(value));
                if (m.find()) {
                    bound.put(property, m.group(1));
                }
            });
            BOUND.put(service.getKey(), bound);
            YML_KEYS.put(service.getKey(), flat.keySet());
            Set<String> declared = new TreeSet<>();
            Set<String> maps = new TreeSet<>();
            metadata(ROOT.resolve(service.getValue()).resolve("target"), declared, maps);
            DECLARED.put(service.getKey(), declared);
            MAPS.put(service.getKey(), maps);
        }
    }

    @Test
    void everyVariableAServiceReadsIsBoundToADeclaredSetting() {
        Map<String, String> undeclared = new TreeMap<>();
        BOUND.forEach((service, bound) -> bound.forEach((property, variable) -> {
            if (!declared(service, property)) {
                undeclared.put(service + ": " + property, variable);
            }
        }));
        assertThat(undeclared)
                .as("yml properties set from a variable that no configuration metadata declares")
                .isEmpty();
        assertThat(DECLARED.get("routing")).contains("relay.scheduler.poll-interval", "server.port");
    }

    @Test
    void everyRelaySettingInAYmlIsDeclaredSoATypoCannotBeIgnored() {
        Map<String, Set<String>> unknown = new TreeMap<>();
        YML_KEYS.forEach((service, keys) -> keys.stream()
                .filter(key -> key.startsWith("relay.")
                        || key.startsWith("twilio.")
                        || key.startsWith("smtp.")
                        || key.startsWith("fcm.")
                        || key.startsWith("redis.")
                        || key.startsWith("rabbitmq."))
                .filter(key -> !declared(service, key))
                .forEach(key ->
                        unknown.computeIfAbsent(service, s -> new TreeSet<>()).add(key)));
        assertThat(unknown).as("keys our records do not bind").isEmpty();
    }

    @Test
    void docsConfigurationNamesExactlyTheVariablesTheServicesRead() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/configuration.md"));
        Set<String> documented = new TreeSet<>();
        Matcher names = DOCUMENTED.matcher(doc);
        while (names.find()) {
            documented.add(names.group(1));
        }
        Set<String> read = BOUND.values().stream()
                .flatMap(bound -> bound.values().stream())
                .collect(Collectors.toCollection(TreeSet::new));
        read.addAll(NOT_IN_A_YML.keySet());

        assertThat(new TreeSet<>(read))
                .as("variables read but not in docs/configuration.md")
                .isSubsetOf(documented);
        assertThat(documented)
                .as("variables docs/configuration.md names that no service reads")
                .isSubsetOf(read);
    }

    @Test
    void theProjectAdditionsSayWhichServicesReadEachVariable() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/configuration.md"));
        String additions = doc.substring(doc.indexOf("## Project additions"));
        Matcher row = Pattern.compile("^\\|\\s*`([A-Z][A-Z0-9_]+)`\\s*\\|\\s*([^|]*?)\\s*\\|", Pattern.MULTILINE)
                .matcher(additions);
        Map<String, String> wrong = new TreeMap<>();
        while (row.find()) {
            String variable = row.group(1);
            if (NOT_IN_A_YML.containsKey(variable) || row.group(2).equals("all")) {
                continue;
            }
            Set<String> said = Set.of(row.group(2).split("[\\s,]+")).stream()
                    .map(name -> name.replace("-service", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> reading = BOUND.entrySet().stream()
                    .filter(e -> e.getValue().containsValue(variable))
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!said.equals(reading)) {
                wrong.put(variable, "documented for " + said + ", read by " + reading);
            }
        }
        assertThat(wrong).isEmpty();
    }

    private static boolean declared(String service, String property) {
        String name = property.replaceAll("\\[\\d+]", "");
        if (DECLARED.get(service).contains(name)) {
            return true;
        }
        for (String map : MAPS.get(service)) {
            if (name.startsWith(map + ".")) {
                return true;
            }
        }
        // a list of objects (gateway routes): its elements' fields are declared with the list
        for (String declared : DECLARED.get(service)) {
            if (property.contains("[") && name.startsWith(declared + ".")) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Map<String, Object> flat) {
        if (node instanceof Map<?, ?> map) {
            map.forEach(
                    (key, value) -> flatten(prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key, value, flat));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), flat);
            }
        } else {
            flat.put(prefix, node);
        }
    }

    /** Every metadata file in the service's executable jar: its own classes and each library in it. */
    private static void metadata(Path target, Set<String> declared, Set<String> maps) throws IOException {
        Path jar;
        try (var files = Files.list(target)) {
            jar = files.filter(
                            f -> f.toString().endsWith(".jar") && !f.toString().endsWith("-plain.jar"))
                    .findFirst()
                    .orElseThrow(() ->
                            new IllegalStateException("no executable jar in " + target + ": ./mvnw package first"));
        }
        try (JarInputStream outer = new JarInputStream(Files.newInputStream(jar))) {
            for (JarEntry entry; (entry = outer.getNextJarEntry()) != null; ) {
                if (entry.getName().endsWith(".jar")) {
                    try (JarInputStream inner = new JarInputStream(new ByteArrayInputStream(outer.readAllBytes()))) {
                        for (JarEntry e; (e = inner.getNextJarEntry()) != null; ) {
                            if (isMetadata(e.getName())) {
                                read(inner.readAllBytes(), declared, maps);
                            }
                        }
                    }
                } else if (isMetadata(entry.getName())) {
                    read(outer.readAllBytes(), declared, maps);
                }
            }
        }
    }

    private static boolean isMetadata(String name) {
        return name.endsWith("META-INF/spring-configuration-metadata.json")
                || name.endsWith("META-INF/additional-spring-configuration-metadata.json");
    }

    private static void read(byte[] json, Set<String> declared, Set<String> maps) {
        JsonNode root = JsonMapper.shared().readTree(json);
        for (JsonNode property : root.path("properties")) {
            String name = property.path("name").asString();
            declared.add(name);
            String type = property.path("type").asString("");
            if (type.startsWith("java.util.Map")) {
                maps.add(name);
            }
        }
    }
}
