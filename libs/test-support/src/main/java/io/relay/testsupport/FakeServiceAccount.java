package io.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A throwaway Google service-account JSON whose token_uri points at a simulator, with a key made on
 * the spot (it signs nothing that leaves the machine), for FCM tests.
 */
public final class FakeServiceAccount {

    private FakeServiceAccount() {}

    public static Path write(Path file, String tokenUri, String projectId) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, json(tokenUri, projectId));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service-account JSON itself, as a business would paste it. */
    public static String json(String tokenUri, String projectId) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(
                                    generator.generateKeyPair().getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            pem = pem.replace("\n", "\\n"); // written inside a JSON string
            String json = """
                    {"type":"service_account","project_id":"%s","private_key_id":"test","private_key":"%s",
                     "client_email":"push@%s.iam.gserviceaccount.com","client_id":"1","token_uri":"%s"}
                    """.formatted(projectId, pem, projectId, tokenUri);
            return json;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
