package io.relay.routing.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time spent so far by this machine's PostgreSQL, RabbitMQ and this JVM, read from {@code /proc}
 * (utime + stime), so a benchmark can print what each spent on its messages.
 */
final class ProcessCpu {

    private ProcessCpu() {}

    /** Ticks (1/100 s) by name: postgresql (all backends), rabbitmq (beam.smp), this JVM. */
    static Map<String, Long> now(String self) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        ticks.put("postgresql", ticksOf("postgres"));
        ticks.put("rabbitmq (beam.smp)", ticksOf("beam.smp"));
        ticks.put(self, ticks(ProcessHandle.current().pid()));
        return ticks;
    }

    /** Milliseconds of CPU each spent between two readings. */
    static Map<String, Long> spent(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> millis = new LinkedHashMap<>();
        before.forEach((name, ticks) -> millis.put(name, (after.get(name) - ticks) * 10));
        return millis;
    }

    private static long ticksOf(String command) {
        return ProcessHandle.allProcesses()
                .filter(p -> comm(p.pid()).equals(command))
                .mapToLong(p -> ticks(p.pid()))
                .sum();
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                    .trim();
        } catch (Exception gone) {
            return "";
        }
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (Exception gone) {
            return 0;
        }
    }
}
