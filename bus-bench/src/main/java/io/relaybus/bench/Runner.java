package io.relaybus.bench;

import io.relaybus.embedded.BrokerHandle;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Drives one {@link Target} through the phases of a run and measures it:
 * <ol>
 *   <li><b>subscribe</b>, blocking until the subscription is live (the time is reported, not counted as latency);</li>
 *   <li><b>first event</b>: one publish after ready, timed until its handler runs;</li>
 *   <li><b>warm-up</b>: {@code --warmup} events published and handled, not measured (JIT, connections, batches),
 *       then more, a second at a time, until the JIT compiler settled ({@code --warmup-max});</li>
 *   <li><b>measured</b>: {@code --events} events (or as many as {@code --duration} allows), closed loop (at most
 *       {@code --window} publishes outstanding, as fast as acknowledgements allow) or open loop at {@code --rate} (each event has an intended send time
 *       {@code start + i / rate}; its latencies are measured from that time, so a publisher that falls behind, for
 *       example because the window is full, shows up as latency instead of being hidden: no coordinated omission);
 *       then waiting for every acknowledgement and every delivery, giving up after {@code --drain-timeout} seconds
 *       without progress. CPU time, heap allocation and GC ({@link JvmMeter}) are measured over this phase.</li>
 *   <li><b>idle probes</b>: single events on the now warm and idle subscription, a pause before each; their median
 *       is the latency of a lone event without first-use costs.</li>
 * </ol>
 * A sampler records acknowledged and handled counts every 100 ms and draws the progress bar.
 */
final class Runner {

    private static final long FIRST_EVENT_TIMEOUT_SECONDS = 30;
    private static final int PROBES = 5;
    private static final long PROBE_GAP_MS = 300;
    /** Length of one slice of the JIT-settling warm-up. */
    static final long SLICE_MS = 1000;
    /** The JIT counts as settled once it compiled for less than this share of a slice's wall time. */
    static final long SETTLED_PERCENT = 5;

    private final BenchOptions options;
    private final Progress progress;
    private volatile List<BrokerHandle> brokers = List.of();
    private volatile Failover failover;

    /** Kills a leader mid-run and brings it back ({@code --failover}); implemented by {@link ClusterRun}. */
    interface Failover {
        /** Kills (-9) the node leading what {@code target} publishes to; returns what was killed, for the report. */
        String kill(Target target) throws Exception;

        /** Restarts the killed node and returns once the cluster is whole again (replicas in sync, current). */
        void heal() throws Exception;
    }

    Runner(BenchOptions options, Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs the phases and closes the target, whatever happens. */
    RunResult run(Target target, String label) throws Exception {
        return run(target, label, failover);
    }

    /** {@link #run}, for a warm-up round: no leader is killed in it, whatever {@code --failover} says. */
    RunResult warmUpRun(Target target, String label) throws Exception {
        return run(target, label, null);
    }

    private RunResult run(Target target, String label, Failover failover) throws Exception {
        try (target) {
            return measure(target, label, failover);
        } finally {
            progress.done();
        }
    }

    private RunResult measure(Target target, String label, Failover failover) throws Exception {
        Recorder rec = new Recorder(options.duration == null ? options.events : BenchOptions.MAX_EVENTS);
        List<String> notes = new ArrayList<>();

        progress.message(label + ": connecting ...");
        long openStart = System.nanoTime();
        target.open();
        double openMillis = (System.nanoTime() - openStart) / 1e6;
        progress.message(label + ": subscribing ...");
        long subscribeStart = System.nanoTime();
        target.subscribe(rec::onEvent);
        double readyMillis = (System.nanoTime() - subscribeStart) / 1e6;

        progress.message(label + ": first event ...");
        Double firstMillis = null;
        long firstSend = System.nanoTime();
        target.publish(Payload.encode(0, firstSend, Payload.FIRST, options.size), key(0), error -> {
            if (error != null) {
                rec.onFirstPublishFailed(error);
            }
        });
        if (!rec.firstLatch().await(FIRST_EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            notes.add("the first event was not handled within " + FIRST_EVENT_TIMEOUT_SECONDS + " s");
        } else if (rec.firstError() != null) {
            notes.add("the first publish failed: " + rec.firstError());
        } else {
            firstMillis = (rec.firstHandledNanos() - firstSend) / 1e6;
        }

        long warmed = warmUp(target, rec, label, notes);

        List<RunResult.Sample> samples = Collections.synchronizedList(new ArrayList<>());
        long cpuStart = processCpuNanos();
        long brokerCpuStart = brokerCpuNanos();
        long helperCpuStart = target.helperCpuNanos();
        JvmMeter.Snapshot memoryStart = JvmMeter.snapshot();
        long start = System.nanoTime();
        long end = options.duration == null ? Long.MAX_VALUE : start + options.duration.toNanos();
        long published = 0;
        ScheduledExecutorService sampler = startSampler(label, rec, start, samples);
        java.util.function.BooleanSupplier thirdThrough = options.duration == null
                ? () -> rec.acked() + rec.failed() >= options.events / 3
                : () -> System.nanoTime() - start >= options.duration.toNanos() / 3;
        FailoverThread fault = failover == null ? null : new FailoverThread(failover, target, thirdThrough, start);
        try {
            long limit = options.duration == null ? options.events : BenchOptions.MAX_EVENTS;
            published = options.mode == BenchOptions.Mode.CLOSED ? publishClosedLoop(target, rec, start, end, limit)
                    : publishAtRate(target, rec, start, end, limit);
            if (!awaitProgress(() -> rec.acked() + rec.failed(), published)) {
                notes.add("acknowledgements stalled: " + (published - rec.acked() - rec.failed())
                        + " publishes never completed");
            }
            if (!awaitProgress(rec::unique, published)) {
                notes.add("deliveries stalled: " + (published - rec.unique()) + " events were not handled within "
                        + options.drainTimeoutSeconds + " s of the last progress");
            }
        } finally {
            sampler.shutdownNow();
            sampler.awaitTermination(1, TimeUnit.SECONDS);
            if (fault != null) {
                progress.message(label + ": waiting for the killed node to be back in sync ...");
                fault.finish(notes);
            }
        }
        JvmMeter.Snapshot memoryEnd = JvmMeter.snapshot();
        long cpuEnd = processCpuNanos();
        long cpuNanos = cpuStart < 0 || cpuEnd < 0 ? -1 : cpuEnd - cpuStart;
        long brokerCpuEnd = brokerCpuNanos();
        long brokerCpu = brokerCpuStart < 0 || brokerCpuEnd < 0 ? -1 : brokerCpuEnd - brokerCpuStart;
        if (fault != null) {
            brokerCpu = -1;     // a restarted node is a new process: its count starts over, and its start-up is in it
            notes.add("broker CPU not measured: a node was restarted during the run");
        }
        long helperCpuEnd = target.helperCpuNanos();
        if (cpuNanos >= 0 && helperCpuStart >= 0 && helperCpuEnd >= 0) {
            cpuNanos += helperCpuEnd - helperCpuStart;
            notes.add("CPU time includes the Connect worker process: " + Stats.fmt((helperCpuEnd - helperCpuStart)
                    / 1e9, 2) + " s of it");
        }
        RunResult.Sample last = sample(rec, start);
        samples.add(last);
        progress.draw(label, last.acked(), last.handled(), published,
                last.millis() == 0 ? 0 : last.handled() * 1000.0 / last.millis());
        progress.done();
        Double idleMillis = idleEventLatency(target, rec, label, notes);
        if (rec.failed() > 0) {
            notes.add(rec.failed() + " publishes failed");
        }
        if (rec.foreign() > 0) {
            notes.add(rec.foreign() + " deliveries were not events of this run");
        }

        long publishElapsed = rec.lastAckNanos() == Long.MIN_VALUE ? 0 : rec.lastAckNanos() - start;
        long e2eElapsed = rec.lastHandledNanos() == Long.MIN_VALUE ? 0 : rec.lastHandledNanos() - start;
        Double ackThroughput = Stats.perSecond(rec.acked(), publishElapsed);
        Double e2eThroughput = Stats.perSecond(rec.unique(), e2eElapsed);
        long events = published;
        double success = events == 0 ? 0 : (double) rec.unique() / events;
        Double perCpuSecond = Stats.perSecond(rec.unique(), cpuNanos);
        var e2e = rec.endToEnd();
        var ack = rec.ackLatency();
        List<RunResult.Sample> timeline;
        synchronized (samples) {
            timeline = List.copyOf(samples);
        }
        List<RunResult.Mark> marks = fault == null ? List.of() : fault.marks();
        if (fault != null && !marks.isEmpty()) {
            notes.add(FailoverThread.describe(marks, timeline, rec.duplicates()));
        }
        return new RunResult(target.kind(), target.description(), target.settings(),
                options.mode.name().toLowerCase(Locale.ROOT), options.rate, events, options.size,
                warmed, openMillis, readyMillis, firstMillis, idleMillis, rec.acked(), rec.failed(), rec.unique(), rec.duplicates(),
                rec.foreign(), publishElapsed, e2eElapsed, ackThroughput, e2eThroughput, success,
                Stats.latency(e2e), Stats.latency(ack), Stats.buckets(e2e), Stats.buckets(ack), timeline, cpuNanos,
                perCpuSecond, brokerCpu, brokerCpu < 0 ? null : Stats.perSecond(rec.unique(), brokerCpu),
                List.copyOf(notes), marks, memoryStart.until(memoryEnd, rec.unique()), Map.of());
    }

    /**
     * Single events on the warm, idle subscription: {@value #PROBES} probes, each published after {@value #PROBE_GAP_MS}
     * ms of silence and awaited before the next; returns their median latency in ms, or null when one was lost. Unlike
     * the first-event latency this has no cold code paths and no first-use work (metadata, topic checks) in it: it is
     * what a lone event costs, dominated by batching and fetch-wait settings (the Go report's 943 ms).
     */
    private Double idleEventLatency(Target target, Recorder rec, String label, List<String> notes)
            throws InterruptedException {
        progress.message(label + ": idle single-event probes ...");
        long[] nanos = new long[PROBES];
        for (int i = 0; i < PROBES; i++) {
            Thread.sleep(PROBE_GAP_MS);
            CountDownLatch latch = rec.armProbe(i);
            target.publish(Payload.encode(i, System.nanoTime(), Payload.PROBE, options.size), key(i), error -> {
            });
            if (!latch.await(FIRST_EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                notes.add("idle probe " + i + " was not handled within " + FIRST_EVENT_TIMEOUT_SECONDS + " s");
                return null;
            }
            nanos[i] = rec.probeNanos();
        }
        java.util.Arrays.sort(nanos);
        return nanos[PROBES / 2] / 1e6;
    }

    /** Publishes {@code limit} events, or fewer when {@code end} (System.nanoTime()) comes first; returns how many. */
    private long publishClosedLoop(Target target, Recorder rec, long start, long end, long limit)
            throws InterruptedException {
        Semaphore window = new Semaphore(options.window);
        long i = 0;
        for (; i < limit; i++) {
            window.acquire();
            long send = i == 0 ? start : System.nanoTime();
            if (send >= end) {
                window.release();
                break;
            }
            target.publish(Payload.encode(i, send, Payload.MEASURED, options.size), key(i), error -> {
                window.release();
                rec.onAck(send, error);
            });
        }
        return i;
    }

    /**
     * Open loop: event i is due at {@code start + i * 1e9 / rate}. The thread parks until then (no spinning: on a
     * small machine a spinning publisher would take CPU from the broker); the kernel's timer slack makes a send up to
     * about 0.1 ms late, and when it is later still (a full window, a slow client call) it sends the overdue events at
     * once. Either way their latency counts from the due time.
     */
    private long publishAtRate(Target target, Recorder rec, long start, long end, long limit)
            throws InterruptedException {
        Semaphore window = new Semaphore(options.window);
        double periodNanos = 1e9 / options.rate;
        long i = 0;
        for (; i < limit; i++) {
            long due = start + (long) (i * periodNanos);
            if (due >= end) {
                break;
            }
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            window.acquire();
            target.publish(Payload.encode(i, due, Payload.MEASURED, options.size), key(i),
                    error -> {
                        window.release();
                        rec.onAck(due, error);
                    });
        }
        return i;
    }

    private String key(long seq) {
        return options.keys == 0 ? null : "key-" + (seq % options.keys);
    }

    /**
     * The warm-up: {@code --warmup} events, then (unless {@code --warmup-max} is 0) slices of {@value #SLICE_MS} ms of
     * publishing, each waited for until handled, until the JIT compiler of this JVM spent under
     * {@value #SETTLED_PERCENT}% of a slice's wall time compiling, or {@code --warmup-max} has passed. Publishes are
     * closed loop within the window whatever the mode. Returns how many warm-up events were published.
     */
    private long warmUp(Target target, Recorder rec, String label, List<String> notes) throws Exception {
        Semaphore window = new Semaphore(options.window);
        long warmed = 0;
        if (options.warmup > 0) {
            progress.message(label + ": warm-up, " + options.warmup + " events ...");
            for (; warmed < options.warmup; warmed++) {
                publishWarmup(target, window, warmed);
            }
        }
        if (!awaitProgress(rec::warmupHandled, warmed)) {
            notes.add("warm-up: only " + rec.warmupHandled() + " of " + warmed + " events were handled");
            return warmed;
        }
        if (options.warmupMax.isZero()) {
            return warmed;
        }
        Optional<JitClock> clock = JitClock.shared();
        if (clock.isEmpty()) {
            notes.add("warm-up: this JVM does not report what its JIT compiler does; only the --warmup events were "
                    + "used");
            return warmed;
        }
        JitClock jit = clock.get();
        progress.message(label + ": warm-up until the JIT compiler settles ...");
        long start = System.nanoTime();
        long deadline = start + options.warmupMax.toNanos();
        long compiledNanos = 0;
        int slices = 0;
        boolean settled = false;
        while (!settled && System.nanoTime() - deadline < 0) {
            long sliceStart = System.nanoTime();
            long compiledBefore = jit.nanos();
            long sliceEnd = sliceStart + TimeUnit.MILLISECONDS.toNanos(SLICE_MS);
            while (System.nanoTime() - sliceEnd < 0) {
                publishWarmup(target, window, warmed++);
            }
            if (!awaitProgress(rec::warmupHandled, warmed)) {
                notes.add("warm-up: only " + rec.warmupHandled() + " of " + warmed + " events were handled");
                return warmed;
            }
            long sliceNanos = System.nanoTime() - sliceStart;
            long compiled = jit.nanos() - compiledBefore;
            compiledNanos += compiled;
            slices++;
            settled = compiled * 100 < SETTLED_PERCENT * sliceNanos;
        }
        notes.add(String.format(Locale.ROOT, "warm-up: %,d events in all; %d slice(s) of %d ms publishing, %.1f s, "
                        + "after the first %,d events, %s (%s: %,d ms meanwhile)", warmed, slices,
                SLICE_MS, (System.nanoTime() - start) / 1e9, options.warmup, settled ? "until the JIT compiler "
                        + "settled (under " + SETTLED_PERCENT + "% of the last slice)" : "and the JIT compiler was "
                        + "still busy when --warmup-max " + options.warmupMax.toMillis() / 1000.0 + " s ran out",
                jit.source(), TimeUnit.NANOSECONDS.toMillis(compiledNanos)));
        return warmed;
    }

    private void publishWarmup(Target target, Semaphore window, long i) throws InterruptedException {
        window.acquire();
        target.publish(Payload.encode(i, System.nanoTime(), Payload.WARMUP, options.size), key(i),
                error -> window.release());
    }

    /** Waits until {@code value} reaches {@code target}; false when it made no progress for the drain timeout. */
    private boolean awaitProgress(LongSupplier value, long target) throws InterruptedException {
        long last = value.getAsLong();
        long lastChange = System.nanoTime();
        long timeout = TimeUnit.SECONDS.toNanos(options.drainTimeoutSeconds);
        while (last < target) {
            Thread.sleep(5);
            long now = value.getAsLong();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > timeout) {
                return false;
            }
        }
        return true;
    }

    private ScheduledExecutorService startSampler(String label, Recorder rec, long start,
                                                  List<RunResult.Sample> samples) {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-sampler");
            t.setDaemon(true);
            return t;
        });
        long[] previous = new long[2];
        sampler.scheduleAtFixedRate(() -> {
            RunResult.Sample s = sample(rec, start);
            samples.add(s);
            if (samples.size() % 2 == 0) {
                double rate = s.millis() == previous[0] ? 0 : (s.handled() - previous[1]) * 1000.0 / (s.millis() - previous[0]);
                previous[0] = s.millis();
                previous[1] = s.handled();
                // With --duration the total is not known in advance: the bar shows handled of published so far.
                long total = options.duration == null ? options.events : Math.max(s.acked(), s.handled());
                progress.draw(label, s.acked(), s.handled(), total, rate);
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        return sampler;
    }

    private static RunResult.Sample sample(Recorder rec, long start) {
        return new RunResult.Sample((System.nanoTime() - start) / 1_000_000, rec.acked(), rec.unique());
    }

    /** Kills a leader in every measured run from now on ({@code --failover}); null for none. */
    void failover(Failover f) {
        this.failover = f;
    }

    /** The brokers whose CPU time is measured from now on (the ones the bench started). */
    void brokers(BrokerHandle... handles) {
        this.brokers = List.of(handles);
    }

    /** CPU time of the brokers so far, summed, or -1 when there are none or one does not tell. */
    private long brokerCpuNanos() {
        if (brokers.isEmpty()) {
            return -1;
        }
        long sum = 0;
        for (BrokerHandle b : brokers) {
            Optional<Duration> cpu = b.cpuTime();
            if (cpu.isEmpty()) {
                return -1;
            }
            sum += cpu.get().toNanos();
        }
        return sum;
    }

    /** CPU time of this JVM (all threads), or -1 when the platform does not tell. */
    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }
}
