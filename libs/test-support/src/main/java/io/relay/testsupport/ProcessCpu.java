package io.relay.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and resident memory of processes on this machine, read from {@code /proc}, so benchmarks and
 * the load suite can say what PostgreSQL, RabbitMQ, Redis and each JVM spent on their messages.
 */
public final class ProcessCpu {

    private ProcessCpu() {}

    /** The processes whose command (or {@code comm}) is this name: {@code postgres}, {@code beam.smp}. */
    public static List<Long> pidsNamed(String command) {
        return ProcessHandle.allProcesses()
                .filter(p ->
                        p.info().command().map(c -> c.endsWith("/" + command)).orElse(false)
                                || comm(p.pid()).equals(command))
                .map(ProcessHandle::pid)
                .toList();
    }

    /**
     * utime+stime of these processes, in ticks (1/100 s), and their summed resident KiB. A process that
     * exits between two readings takes its ticks with it.
     */
    public static long[] ticksAndRss(List<Long> pids) {
        long ticks = 0;
        long rss = 0;
        for (long pid : pids) {
            try {
                long[] figures = ticksAndRss(Path.of("/proc", Long.toString(pid), "stat"));
                ticks += figures[0];
                rss += figures[1];
            } catch (IOException | RuntimeException gone) {
                // exited meanwhile
            }
        }
        return new long[] {ticks, rss};
    }

    /**
     * How many times each thread of these processes had been put on a core, by thread id (the third
     * figure of each thread's {@code /proc/<pid>/task/<tid>/schedstat}): each is a wake-up, near enough,
     * and on a machine whose kernel is dear the wake-ups a message costs say more than its CPU.
     */
    public static Switches switches(List<Long> pids) {
        Map<Long, Long> byThread = new HashMap<>();
        for (long pid : pids) {
            for (Path thread : threads(pid)) {
                try {
                    String[] schedstat =
                            Files.readString(thread.resolve("schedstat")).trim().split(" ");
                    byThread.put(Long.parseLong(thread.getFileName().toString()), Long.parseLong(schedstat[2]));
                } catch (IOException | RuntimeException gone) {
                    // the thread exited meanwhile
                }
            }
        }
        return new Switches(Map.copyOf(byThread));
    }

    /** One reading of {@link #switches}. */
    public record Switches(Map<Long, Long> byThread) {

        /**
         * The wake-ups since {@code earlier}, thread by thread: a thread started since counts from its start;
         * a thread that exited since takes its count with it (its wake-ups in between are not counted, and
         * its earlier ones are not taken off the others'; pools that retire idle threads made the difference
         * of two plain sums come out too small, even below zero).
         */
        public long since(Switches earlier) {
            long sum = 0;
            for (Map.Entry<Long, Long> thread : byThread.entrySet()) {
                sum += thread.getValue() - earlier.byThread.getOrDefault(thread.getKey(), 0L);
            }
            return sum;
        }
    }

    /** The {@code /proc/<pid>/task/<tid>} directory of each of the process's threads; none when it is gone. */
    public static List<Path> threads(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.toList();
        } catch (IOException | RuntimeException gone) {
            return List.of();
        }
    }

    /**
     * utime+stime in ticks, now, of this machine's PostgreSQL (all backends), RabbitMQ and this JVM (under
     * {@code self}): what a benchmark reads before and after its run.
     */
    public static Map<String, Long> serversAndThis(String self) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        ticks.put("postgresql", ticksOf("postgres"));
        ticks.put("rabbitmq (beam.smp)", ticksOf("beam.smp"));
        ticks.put(self, ticksAndRss(List.of(ProcessHandle.current().pid()))[0]);
        return ticks;
    }

    /** utime+stime in ticks of the processes with this command name, summed. */
    public static long ticksOf(String command) {
        return ticksAndRss(pidsNamed(command))[0];
    }

    /** utime+stime in ticks and resident KiB, from a process's or a thread's {@code /proc} stat file. */
    public static long[] ticksAndRss(Path statFile) throws IOException {
        String line = Files.readString(statFile);
        String[] stat = line.substring(line.lastIndexOf(')') + 2).split(" "); // the name may hold spaces
        return new long[] {
            Long.parseLong(stat[11]) + Long.parseLong(stat[12]), Long.parseLong(stat[21]) * 4 // pages of 4 KiB
        };
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                    .trim();
        } catch (IOException gone) {
            return "";
        }
    }
}
