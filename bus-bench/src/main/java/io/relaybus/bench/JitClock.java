package io.relaybus.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The time this JVM's JIT compiler has spent, to tell when compilation settled. Each reading is a running total in
 * nanoseconds; only the difference between two readings means anything.
 * <p>
 * On Linux it is the CPU time of the compiler threads ({@code C1 CompilerThread*}, {@code C2 CompilerThread*},
 * {@code JVMCI CompilerThread*}), read from {@code /proc/self/task/<tid>/schedstat}: it grows while a compilation
 * runs. Elsewhere it falls back to {@link CompilationMXBean#getTotalCompilationTime()}, which counts a compilation
 * only once it has finished, so that one C2 compilation of a large method, which takes a second or more on a busy
 * core, can make a slice look quiet while the compiler is in fact busy throughout (seen on the Kafka client's
 * producer and fetcher methods). Thread-safe.
 */
final class JitClock {

    private static final Path TASKS = Path.of("/proc/self/task");
    private static final Optional<JitClock> SHARED = open();

    private final CompilationMXBean bean;
    /** Compiler threads seen, by thread id, with their CPU time at the last reading; null on the bean fallback. */
    private final Map<String, Long> compilers;
    /** Thread ids known not to be compiler threads. */
    private final Set<String> others = new HashSet<>();
    private long total;
    /** False until the first reading, which only takes the baseline. */
    private boolean started;

    private JitClock(CompilationMXBean bean, Map<String, Long> compilers) {
        this.bean = bean;
        this.compilers = compilers;
    }

    /** The clock of this JVM, shared by its users; empty when the JVM reports nothing about its compiler. */
    static Optional<JitClock> shared() {
        return SHARED;
    }

    /** A new clock, the best this JVM offers, or empty when it reports nothing about its compiler. */
    static Optional<JitClock> open() {
        JitClock threads = new JitClock(null, new HashMap<>());
        if (threads.readThreads() && !threads.compilers.isEmpty()) {
            return Optional.of(threads);
        }
        CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
        if (bean != null && bean.isCompilationTimeMonitoringSupported()) {
            return Optional.of(new JitClock(bean, null));
        }
        return Optional.empty();
    }

    /** What is measured, for the run's notes. */
    String source() {
        return compilers != null ? "CPU time of the JIT compiler threads" : "compilation time the JVM reported";
    }

    /**
     * The running total in nanoseconds. A compiler thread that ended since the last reading loses its time since
     * then (HotSpot stops idle extra compiler threads), which can only make the compiler look quieter by that much.
     */
    synchronized long nanos() {
        if (compilers == null) {
            return TimeUnit.MILLISECONDS.toNanos(bean.getTotalCompilationTime());
        }
        readThreads();
        return total;
    }

    /** Adds the compiler threads' CPU time since the last reading; false when /proc cannot be read. */
    private boolean readThreads() {
        if (!Files.isDirectory(TASKS)) {
            return false;
        }
        Set<String> alive = new HashSet<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String tid = task.getFileName().toString();
                if (others.contains(tid)) {
                    alive.add(tid);
                    continue;
                }
                Long before = compilers.get(tid);
                if (before == null && !isCompiler(task)) {
                    others.add(tid);
                    alive.add(tid);
                    continue;
                }
                long now = cpuNanos(task);
                if (now < 0) {
                    continue;
                }
                alive.add(tid);
                // A compiler thread first seen after the baseline started since the last reading: all its time is new.
                if (before != null) {
                    total += now - before;
                } else if (started) {
                    total += now;
                }
                compilers.put(tid, now);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        compilers.keySet().retainAll(alive);
        others.retainAll(alive);
        started = true;
        return true;
    }

    private static boolean isCompiler(Path task) {
        try {
            String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
            return name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")
                    || name.startsWith("JVMCI Compiler");
        } catch (IOException e) {
            return false; // the thread ended
        }
    }

    /** The first field of schedstat: nanoseconds on a CPU; -1 when the thread ended or the file is missing. */
    private static long cpuNanos(Path task) {
        try {
            String stat = Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII).trim();
            int space = stat.indexOf(' ');
            return Long.parseLong(space < 0 ? stat : stat.substring(0, space));
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
