package io.relay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.ReactorNetty;

/** What the gateway's event loops run on, as its start-up decides and logs it. */
class EventLoopsTest {

    private static final String[] KEYS = {ReactorNetty.NATIVE, ReactorNetty.IO_WORKER_COUNT};
    private final String[] saved = new String[KEYS.length];

    @BeforeEach
    void keepProperties() {
        for (int i = 0; i < KEYS.length; i++) {
            saved[i] = System.clearProperty(KEYS[i]);
        }
    }

    @AfterEach
    void restoreProperties() {
        for (int i = 0; i < KEYS.length; i++) {
            if (saved[i] == null) {
                System.clearProperty(KEYS[i]);
            } else {
                System.setProperty(KEYS[i], saved[i]);
            }
        }
    }

    @Test
    void ioUringWhereTheKernelAllowsItElseTheJdkSelectorAndOneLoopPerCpu() {
        GatewayApplication.eventLoopsForAProxy();

        assertThat(System.getProperty(ReactorNetty.NATIVE)).isEqualTo(Boolean.toString(IoUring.isAvailable()));
        assertThat(System.getProperty(ReactorNetty.IO_WORKER_COUNT))
                .isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
        if (IoUring.isAvailable()) {
            assertThat(GatewayApplication.transport()).isEqualTo("io_uring");
        } else {
            // the log says why, e.g. "Operation not permitted" under a seccomp profile that blocks it
            assertThat(GatewayApplication.transport()).startsWith("nio (io_uring unavailable: ");
        }
    }

    @Test
    void anOperatorsChoiceIsKept() {
        System.setProperty(ReactorNetty.NATIVE, "false");
        System.setProperty(ReactorNetty.IO_WORKER_COUNT, "3");

        GatewayApplication.eventLoopsForAProxy();

        assertThat(System.getProperty(ReactorNetty.NATIVE)).isEqualTo("false");
        assertThat(System.getProperty(ReactorNetty.IO_WORKER_COUNT)).isEqualTo("3");
        assertThat(GatewayApplication.transport()).startsWith("nio (io_uring ");
    }
}
