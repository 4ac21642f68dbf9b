package io.relay.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundTargetsTest {

    private final OutboundTargets targets = new OutboundTargets("localhost:9999, [::1]:8088");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://169.254.169.254/latest/meta-data/",
                "https://169.254.169.254/latest/meta-data/",
                "http://127.0.0.1:8081/v1/customers",
                "https://127.0.0.1:8081/",
                "https://127.1/",
                "https://2130706433/",
                "http://10.0.0.1/",
                "https://10.0.0.1/",
                "https://172.16.5.4/",
                "https://192.168.1.1/",
                "https://100.64.0.1/",
                "http://[::1]:8082/",
                "https://[::1]:8082/",
                "https://[::ffff:127.0.0.1]/",
                "https://[::ffff:a9fe:a9fe]/",
                "https://[fd00::1]/",
                "https://[fe80::1]/",
                "https://0.0.0.0/",
                "https://[::]/",
                "https://224.0.0.1/",
                "http://localhost:8085/",
                "https://localhost/",
                "http://hooks.example.com/status",
                "ftp://hooks.example.com/",
                "https://user:pass@hooks.example.com/",
                "/relative",
                "https:///nohost"
            })
    void aWebhookUrlPointingInwardsOrNotHttpsIsRefused(String url) {
        assertThat(targets.refusal(url)).as(url).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.215.14/hooks", "https://[2606:4700::1111]/x", "https://hooks.example.com/"})
    void aPublicHttpsUrlIsAccepted(String url) {
        assertThat(targets.refusal(url)).as(url).isEmpty();
    }

    @Test
    void aNamedReceiverLiftsTheRulesForItselfAlone() {
        assertThat(targets.refusal("http://localhost:9999/hooks")).isEmpty();
        assertThat(targets.refusal("http://[::1]:8088/hooks")).isEmpty();
        assertThat(targets.refusal("http://localhost:9998/hooks"))
                .as("another port")
                .isPresent();
        assertThat(targets.refusal("https://127.0.0.1:9999/hooks"))
                .as("another name for it")
                .isPresent();
    }

    @Test
    void aSendResolvesOnlyToAddressesThatPassed() throws UnknownHostException {
        assertThatThrownBy(() -> targets.resolve("localhost", 443)).isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> targets.resolve("10.1.2.3", 443)).isInstanceOf(UnknownHostException.class);
        assertThat(targets.resolve("localhost", 9999)).allMatch(InetAddress::isLoopbackAddress);
        assertThat(targets.resolve("93.184.215.14", 443)).hasSize(1);
    }
}
