package io.relay.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    private final String oldKey = "old-" + UUID.randomUUID() + UUID.randomUUID();
    private final String newKey = "new-" + UUID.randomUUID() + UUID.randomUUID();

    @Test
    void aSealedSecretOpensForItsOwnRecordAndIsNotInTheStoredBytes() {
        SecretBox box = new SecretBox(newKey, null);
        String secret = "{\"authToken\":\"" + UUID.randomUUID() + "\"}";

        SecretBox.Sealed sealed = box.seal(secret, "tenant-a|pa_1");

        assertThat(box.open(sealed, "tenant-a|pa_1")).isEqualTo(secret);
        assertThat(sealed.keyId()).isEqualTo(box.currentKeyId()).doesNotContain(newKey);
        assertThat(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("authToken");
        assertThat(sealed.toString()).doesNotContain(secret);
        // a fresh data key and nonce every time: the same secret never looks the same twice
        assertThat(box.seal(secret, "tenant-a|pa_1").ciphertext()).isNotEqualTo(sealed.ciphertext());
    }

    @Test
    void aSealedSecretCopiedOntoAnotherRecordOrAlteredDoesNotOpen() {
        SecretBox box = new SecretBox(newKey, null);
        SecretBox.Sealed sealed = box.seal("token", "tenant-a|pa_1");

        assertThatThrownBy(() -> box.open(sealed, "tenant-b|pa_1")).isInstanceOf(IllegalStateException.class);
        byte[] altered = sealed.ciphertext().clone();
        altered[altered.length - 1] ^= 1;
        assertThatThrownBy(() ->
                        box.open(new SecretBox.Sealed(sealed.keyId(), sealed.wrappedKey(), altered), "tenant-a|pa_1"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rotationKeepsOldRecordsReadableAndRewrapsThemUnderTheNewKey() {
        SecretBox before = new SecretBox(oldKey, null);
        SecretBox.Sealed underOld = before.seal("token-1", "t|pa_1");

        SecretBox during = new SecretBox(newKey, oldKey);
        assertThat(during.stale(underOld)).isTrue();
        assertThat(during.open(underOld, "t|pa_1")).isEqualTo("token-1");
        SecretBox.Sealed rewrapped = during.rewrap(underOld, "t|pa_1");
        assertThat(rewrapped.keyId()).isEqualTo(during.currentKeyId()).isNotEqualTo(underOld.keyId());
        assertThat(rewrapped.ciphertext()).isEqualTo(underOld.ciphertext());

        SecretBox after = new SecretBox(newKey, null);
        assertThat(after.open(rewrapped, "t|pa_1")).isEqualTo("token-1");
        assertThatThrownBy(() -> after.open(underOld, "t|pa_1"))
                .isInstanceOf(SecretBox.UnknownKeyException.class)
                .hasMessageContaining(underOld.keyId())
                .hasMessageNotContaining(oldKey);
    }

    @Test
    void aBoxWithoutAKeyRefusesToStart() {
        assertThatThrownBy(() -> new SecretBox(" ", null)).hasMessageContaining("PROVIDER_SECRETS_KEY");
    }
}
