package io.relay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the load suite reads from /proc about each process. */
class ProcessCpuTest {

    private static final List<Long> THIS_JVM = List.of(ProcessHandle.current().pid());

    @Test
    void aThreadThatSleepsAndWakesIsCountedEachTimeItIsPutBackOnACore() throws Exception {
        long before = ProcessCpu.switches(THIS_JVM);
        Thread sleeper = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 200; i++) { // more than is asserted: counted while it lives
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
        // read while the thread lives: an exited thread takes its count with it
        long during;
        do {
            during = ProcessCpu.switches(THIS_JVM);
        } while (sleeper.isAlive() && during - before < 50);

        assertThat(during - before).isGreaterThanOrEqualTo(50);
        sleeper.interrupt();
        sleeper.join();
    }

    @Test
    void aProcessThatIsGoneCountsNothing() {
        assertThat(ProcessCpu.switches(List.of(Long.MAX_VALUE))).isZero();
        assertThat(ProcessCpu.ticksAndRss(List.of(Long.MAX_VALUE))).containsExactly(0, 0);
    }
}
