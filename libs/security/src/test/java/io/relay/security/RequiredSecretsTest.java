package io.relay.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class RequiredSecretsTest {

    private static final String OWN = "an-operators-own-secret-of-40-characters!";

    private static MockEnvironment service(String required, String whenSet) {
        return new MockEnvironment()
                .withProperty(RequiredSecrets.REQUIRED, required)
                .withProperty(RequiredSecrets.WHEN_SET, whenSet);
    }

    private static void start(MockEnvironment environment) {
        new RequiredSecrets().postProcessEnvironment(environment, new SpringApplication());
    }

    @Test
    void outsideALocalRunAMissingSecretStopsStartUpNamingIt() {
        MockEnvironment environment = service("INTERNAL_TOKEN, LINK_SIGNING_KEY", "")
                .withProperty("relay.internal-token", OWN)
                .withProperty("relay.links.signing-key", "");

        assertThatThrownBy(() -> start(environment))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LINK_SIGNING_KEY is not set")
                .hasMessageNotContaining("INTERNAL_TOKEN");
    }

    @Test
    void aShortSecretOrOneWrittenInTheRepositoryIsRefusedWithoutShowingIt() {
        MockEnvironment environment = service("ADMIN_TOKEN, INTERNAL_TOKEN", "")
                .withProperty("relay.gateway.admin-token", "short-but-mine")
                .withProperty("relay.internal-token", "local-internal-token-not-a-secret");

        assertThatThrownBy(() -> start(environment))
                .hasMessageContaining("ADMIN_TOKEN is shorter than 32 characters")
                .hasMessageContaining("INTERNAL_TOKEN is a value written in the Relay repository")
                .hasMessageNotContaining("short-but-mine")
                .hasMessageNotContaining("local-internal-token-not-a-secret");
    }

    @Test
    void everyKeyInAListOfPreviousKeysIsCheckedOnItsOwn() {
        MockEnvironment weakAmongStrong = service("PROVIDER_SECRETS_KEY", "PROVIDER_SECRETS_KEYS_PREVIOUS")
                .withProperty("relay.providers.secrets-key", OWN)
                .withProperty(
                        "relay.providers.secrets-keys-previous", OWN + "," + "local-provider-secrets-key-not-a-secret");
        assertThatThrownBy(() -> start(weakAmongStrong))
                .hasMessageContaining("PROVIDER_SECRETS_KEYS_PREVIOUS has a key a value written")
                .hasMessageNotContaining("local-provider-secrets-key-not-a-secret");

        MockEnvironment shortAmongStrong = service("PROVIDER_SECRETS_KEY", "PROVIDER_SECRETS_KEYS_PREVIOUS")
                .withProperty("relay.providers.secrets-key", OWN)
                .withProperty("relay.providers.secrets-keys-previous", OWN + ",short");
        assertThatThrownBy(() -> start(shortAmongStrong)).hasMessageContaining("has a key shorter than 32");

        start(service("PROVIDER_SECRETS_KEY", "PROVIDER_SECRETS_KEYS_PREVIOUS")
                .withProperty("relay.providers.secrets-key", OWN)
                .withProperty("relay.providers.secrets-keys-previous", OWN + "-old-1," + OWN + "-old-2"));
    }

    @Test
    void anOptionalSecretIsCheckedOnlyWhenSet() {
        start(service("INTERNAL_TOKEN", "TWILIO_AUTH_TOKEN, BOOTSTRAP_API_KEY")
                .withProperty("relay.internal-token", OWN));

        MockEnvironment weak = service("INTERNAL_TOKEN", "TWILIO_AUTH_TOKEN")
                .withProperty("relay.internal-token", OWN)
                .withProperty("twilio.auth-token", "00000000000000000000000000000000");
        assertThatThrownBy(() -> start(weak)).hasMessageContaining("TWILIO_AUTH_TOKEN is a value written");
    }

    @Test
    void ownSecretsStartAndAreLeftAsTheyAre() {
        MockEnvironment environment = service("ADMIN_TOKEN", "").withProperty("relay.gateway.admin-token", OWN);

        start(environment);

        assertThat(environment.getProperty("relay.gateway.admin-token")).isEqualTo(OWN);
    }

    @Test
    void aLocalRunGetsTheLocalDefaultsForWhatItLeftUnsetAndKeepsWhatItSet() {
        MockEnvironment environment = service("ADMIN_TOKEN, INTERNAL_TOKEN", "BOOTSTRAP_API_KEY, TWILIO_AUTH_TOKEN")
                .withProperty("relay.gateway.admin-token", "")
                .withProperty("relay.internal-token", "mine");
        environment.setActiveProfiles("metrics", "local");

        start(environment);

        assertThat(environment.getProperty("relay.gateway.admin-token")).isEqualTo("local-admin-token");
        assertThat(environment.getProperty("relay.internal-token")).isEqualTo("mine");
        assertThat(environment.getProperty("relay.gateway.bootstrap-api-key")).isEqualTo("local-dev-key");
        assertThat(environment.getProperty("twilio.auth-token"))
                .as("no local default")
                .isNull();
    }

    @Test
    void everyLocalDefaultIsAPublicValue() {
        for (RequiredSecrets.Secret secret : RequiredSecrets.Secret.values()) {
            if (secret.localDefault() != null) {
                assertThat(RequiredSecrets.publicValues()).contains(secret.localDefault());
            }
        }
    }
}
