package io.relay.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every payload record is a registered wire type, so no publish fails with "not a wire payload". */
class MessageTypesTest {

    @Test
    void everyPayloadRecordHasAWireTypeAndEveryWireTypeAName() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/java/io/relay/contracts/payload"))) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString().replace(".java", "");
                if (name.equals("Appointment")) {
                    continue; // a part of dispatches, never published alone
                }
                Class<?> payload = Class.forName("io.relay.contracts.payload." + name);
                if (!payload.isRecord()) {
                    continue;
                }
                MessageTypes.Type type = MessageTypes.forPayload(payload);
                assertThat(MessageTypes.byName(type.name())).hasValue(type);
            }
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
