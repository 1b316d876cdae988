package io.relaybus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One {@code --failover} fault during a measured phase: a thread that waits until the run is a third through (a third
 * of the events acknowledged, or of {@code --duration} elapsed), kills the leader ({@link Runner.Failover#kill}), records when, heals it and records when the cluster
 * was whole again. The run goes on meanwhile; {@link #finish} waits for the heal before the next run starts.
 */
final class FailoverThread {

    private static final long HEAL_WAIT_MINUTES = 5;

    private final Thread thread;
    private final List<RunResult.Mark> marks = new ArrayList<>();
    private volatile String error;

    FailoverThread(Runner.Failover failover, Target target, java.util.function.BooleanSupplier thirdThrough,
                   long start) {
        this.thread = new Thread(() -> {
            try {
                while (!thirdThrough.getAsBoolean()) {
                    Thread.sleep(5);
                }
                String killed = failover.kill(target);
                mark(start, "kill -9 " + killed);
                failover.heal();
                mark(start, "back in sync");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                error = e.toString();
            }
        }, "bench-failover");
        thread.setDaemon(true);
        thread.start();
    }

    private void mark(long start, String label) {
        synchronized (marks) {
            marks.add(new RunResult.Mark(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), label));
        }
    }

    /** Waits (bounded) until the killed node is back; notes a failure to kill or heal. */
    void finish(List<String> notes) throws InterruptedException {
        thread.join(TimeUnit.MINUTES.toMillis(HEAL_WAIT_MINUTES));
        if (thread.isAlive()) {
            thread.interrupt();
            notes.add("failover: the killed node was not back within " + HEAL_WAIT_MINUTES + " minutes");
        }
        if (error != null) {
            notes.add("failover: " + error);
        }
    }

    List<RunResult.Mark> marks() {
        synchronized (marks) {
            return List.copyOf(marks);
        }
    }

    /**
     * The failover in one sentence, from the 100 ms samples: the longest time without a handled event after the kill,
     * and how long until the handled rate (over 500 ms) was back above half the rate of the 3 s before the kill.
     */
    static String describe(List<RunResult.Mark> marks, List<RunResult.Sample> timeline, long duplicates) {
        long kill = marks.get(0).millis();
        Long back = marks.size() > 1 ? marks.get(1).millis() : null;
        double before = rate(timeline, kill - 3_000, kill);
        long stall = 0;
        long lastProgress = kill;
        long lastHandled = -1;
        Long recovered = null;
        for (RunResult.Sample s : timeline) {
            if (s.millis() < kill) {
                lastHandled = s.handled();
                continue;
            }
            if (s.handled() != lastHandled) {
                stall = Math.max(stall, s.millis() - lastProgress);
                lastProgress = s.millis();
                lastHandled = s.handled();
            }
            if (recovered == null && s.millis() >= kill + 500 && before > 0
                    && rate(timeline, s.millis() - 500, s.millis()) >= before / 2) {
                recovered = s.millis() - kill;
            }
        }
        return String.format(Locale.ROOT, "failover: %s at %.1f s; handled events stalled for at most %.1f s after "
                        + "it; handled throughput back above half the pre-kill rate (%,.0f/s) %s; %s; %d duplicates",
                marks.get(0).label(), kill / 1e3, stall / 1e3, before,
                recovered == null ? "not within the run" : String.format(Locale.ROOT, "%.1f s after the kill",
                        recovered / 1e3),
                back == null ? "the node was not back in sync during the run"
                        : String.format(Locale.ROOT, "node back in sync %.1f s after the kill", (back - kill) / 1e3),
                duplicates);
    }

    /** Handled events per second between the samples nearest {@code from} and {@code to}. */
    private static double rate(List<RunResult.Sample> timeline, long from, long to) {
        RunResult.Sample a = null;
        RunResult.Sample b = null;
        for (RunResult.Sample s : timeline) {
            if (s.millis() <= from || a == null) {
                a = s;
            }
            if (s.millis() <= to) {
                b = s;
            }
        }
        return a == null || b == null || b.millis() <= a.millis() ? 0
                : (b.handled() - a.handled()) * 1000.0 / (b.millis() - a.millis());
    }
}
