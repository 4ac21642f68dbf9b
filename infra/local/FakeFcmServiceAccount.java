// Writes a throwaway Google service-account JSON for the local FCM simulator (WireMock).
//
// push-service reads FCM_CREDENTIALS_FILE and asks the file's token_uri for OAuth2 tokens;
// locally that is WireMock's POST /token. The key is generated on the spot, signs nothing
// that leaves this machine and is never committed.
//
// Usage (Java 11+ source launcher, no build needed):
//   java infra/local/FakeFcmServiceAccount.java OUT_FILE TOKEN_URI PROJECT_ID
//   java infra/local/FakeFcmServiceAccount.java .run/fcm-service-account.json http://127.0.0.1:8089/token local-project

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

public class FakeFcmServiceAccount {

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java FakeFcmServiceAccount.java OUT_FILE TOKEN_URI PROJECT_ID");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String tokenUri = args[1];
        String projectId = args[2];

        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";

        Map<String, String> account = new LinkedHashMap<>();
        account.put("type", "service_account");
        account.put("project_id", projectId);
        account.put("private_key_id", "local-simulator");
        account.put("private_key", pem);
        account.put("client_email", "push-service@" + projectId + ".iam.gserviceaccount.com");
        account.put("client_id", "100000000000000000000");
        account.put("auth_uri", tokenUri);
        account.put("token_uri", tokenUri);

        String json = account.entrySet().stream()
                .map(e -> "  " + quote(e.getKey()) + ": " + quote(e.getValue()))
                .collect(Collectors.joining(",\n", "{\n", "\n}\n"));

        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.out.println("wrote " + out + " (token_uri " + tokenUri + ")");
    }

    private static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
