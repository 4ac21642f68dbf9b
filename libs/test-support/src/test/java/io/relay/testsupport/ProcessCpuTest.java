package io.relay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the load suite reads from /proc about each process. */
class ProcessCpuTest {

    private static final List<Long> THIS_JVM = List.of(ProcessHandle.current().pid());

    @Test
    void aThreadThatSleepsAndWakesIsCountedEachTimeItIsPutBackOnACore() throws Exception {
        ProcessCpu.Switches before = ProcessCpu.switches(THIS_JVM);
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
            during = ProcessCpu.switches(THIS_JVM).since(before);
        } while (sleeper.isAlive() && during < 50);

        assertThat(during).isGreaterThanOrEqualTo(50);
        sleeper.interrupt();
        sleeper.join();
    }

    @Test
    void aThreadThatExitsBetweenTwoReadingsDoesNotTakeItsEarlierWakeUpsOffTheOthers() throws Exception {
        java.util.concurrent.CountDownLatch woken = new java.util.concurrent.CountDownLatch(100);
        java.util.concurrent.CountDownLatch exit = new java.util.concurrent.CountDownLatch(1);
        Thread pooled = Thread.ofPlatform().start(() -> {
            try {
                while (woken.getCount() > 0) {
                    Thread.sleep(1);
                    woken.countDown();
                }
                exit.await(); // retired by its pool once read
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        woken.await();
        ProcessCpu.Switches before = ProcessCpu.switches(THIS_JVM);
        assertThat(before.byThread().values()).anyMatch(count -> count >= 100);
        exit.countDown();
        pooled.join();

        // a plain sum of the threads now minus the sum before comes out about 100 short: below zero
        assertThat(ProcessCpu.switches(THIS_JVM).since(before)).isNotNegative();
    }

    @Test
    void aProcessThatIsGoneCountsNothing() {
        assertThat(ProcessCpu.switches(List.of(Long.MAX_VALUE)).byThread()).isEmpty();
        assertThat(ProcessCpu.ticksAndRss(List.of(Long.MAX_VALUE))).containsExactly(0, 0);
    }
}
