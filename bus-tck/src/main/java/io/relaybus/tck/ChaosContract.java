package io.relaybus.tck;

import io.relaybus.api.BusHealth;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Chaos: members of one group join and leave while 600 events over 24 keys are published in bursts, and handlers
 * randomly throw, sleep (now and then for longer than the close timeout), interrupt themselves (and return, or
 * throw) and close their own subscription mid-stream.
 * Afterwards:
 * <ul>
 *   <li>every acknowledged publish was handled successfully, or dead-lettered (read back from the dead-letter topic
 *       with a bus subscriber), at least once;</li>
 *   <li>per-key order held for successful handlings: within one member, a key's sequence numbers go down (from
 *       {@code a} to an earlier {@code b}) only when a membership change (a join until ready, a leave until its
 *       completion) overlapped the time from {@code a}'s publication to {@code b}'s handling, as redelivery after a
 *       member left allows; with a stable membership a member sees every key in order;</li>
 *   <li>no {@code close()} overran the close timeout by more than {@link CloseHandoffContract#HANG_MARGIN} (a hang
 *       detector, not a timing assertion);</li>
 *   <li>no dispatcher worker died: a fresh batch over 64 keys is still handled by the surviving members.</li>
 * </ul>
 * Needs {@link Features#consumerGroups()}, {@link Features#persistence()} and {@link Features#atLeastOnce()}; the
 * order check needs {@link Features#perKeyOrder()}.
 */
@DisplayName("Chaos")
@Tag("tck-chaos")
public abstract class ChaosContract extends KitContract {

    private static final int KEYS = 24;
    private static final int PER_KEY = 25;
    private static final int BURST = 40;
    private static final Duration BETWEEN_BURSTS = Duration.ofMillis(300);
    private static final int FRESH_KEYS = 64;
    private static final int MIN_MEMBERS = 2;
    private static final int MAX_MEMBERS = 4;
    private static final int MAX_SELF_CLOSES = 2;
    private static final int CONCURRENCY = 2;
    private static final int CAPACITY = 4;
    private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(1500);

    @Test
    @DisplayName("members join and leave while handlers throw, sleep, interrupt themselves and close their own "
            + "subscription: every acknowledged event handled or dead-lettered, per-key order per member, no close "
            + "hangs, no worker dies")
    void survivesChaos() throws Exception {
        Features f = features();
        assumeTrue(f.consumerGroups() && f.persistence() && f.atLeastOnce(),
                "needs persistent consumer groups and at-least-once delivery");
        Run run = new Run(uniqueName("tck-chaos"), uniqueName("g"));
        try {
            run.play();
            run.check(f.perKeyOrder());
        } finally {
            run.closer.shutdownNow();
        }
    }

    /** One membership change: a member subscribing until ready, or closing until close returned. */
    private static final class Change {
        final String what;
        final long start;
        volatile long end = Long.MAX_VALUE;   // still going

        Change(String what, long start) {
            this.what = what;
            this.start = start;
        }
    }

    private record Handling(int member, String key, int seq, long start) {
    }

    private record CloseTime(int member, String how, Duration took) {
    }

    /** One close: when it was called, and done once close() returned and completion() completed. */
    private record Closing(int member, String how, long startNanos, CompletableFuture<Void> done) {
    }

    private static final class Member {
        final int id;
        final EventBus bus;
        volatile Subscription subscription;
        volatile boolean ready;
        final AtomicBoolean leaving = new AtomicBoolean();

        Member(int id, EventBus bus) {
            this.id = id;
            this.bus = bus;
        }
    }

    private final class Run {
        final String topic;
        final SubscribeOptions options;
        final AtomicLong clock = new AtomicLong();
        final AtomicBoolean chaos = new AtomicBoolean(true);
        final List<Member> members = new CopyOnWriteArrayList<>();
        final List<Change> changes = new CopyOnWriteArrayList<>();
        final List<Handling> successes = new CopyOnWriteArrayList<>();
        final List<CloseTime> closeTimes = new CopyOnWriteArrayList<>();
        final List<Closing> closes = new CopyOnWriteArrayList<>();
        final List<String> readyFailures = new CopyOnWriteArrayList<>();
        final Set<String> handled = ConcurrentHashMap.newKeySet();
        /** The clock just before each event ({@code key#seq}) was published. */
        final Map<String, Long> published = new ConcurrentHashMap<>();
        final Received dead = new Received();
        final AtomicInteger selfCloses = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger interrupts = new AtomicInteger();
        final AtomicInteger stalls = new AtomicInteger();
        final ExecutorService closer = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tck-chaos-closer");
            t.setDaemon(true);
            return t;
        });
        final List<String> acknowledged = new ArrayList<>();
        final List<String> fresh = new ArrayList<>();
        EventBus observer;

        Run(String topic, String group) {
            this.topic = topic;
            this.options = SubscribeOptions.builder(topic).group(group).concurrency(CONCURRENCY).orderedByKey(true)
                    .startFrom(StartPosition.EARLIEST).retry(RetryPolicy.fixed(3, Duration.ofMillis(10))).build();
        }

        void play() throws Exception {
            observer = openBus(Map.of());
            subscribeReady(observer, SubscribeOptions.builder(options.deadLetterTopic()).build(), dead::add);
            for (int i = 0; i < MIN_MEMBERS; i++) {
                join();
            }
            Received.await(timeout(), "the first members are ready", () -> members.stream().allMatch(m -> m.ready));

            List<Event> events = Sequenced.interleaved(topic, "k", KEYS, PER_KEY);
            List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>();
            for (int i = 0; i < events.size(); i += BURST) {
                for (Event e : events.subList(i, Math.min(events.size(), i + BURST))) {
                    published.put(Sequenced.key(e) + "#" + Sequenced.seq(e), clock.incrementAndGet());
                    acks.add(observer.publish(e).toCompletableFuture());
                }
                step();
                hold(BETWEEN_BURSTS);
            }
            for (CompletableFuture<PublishReceipt> ack : acks) {
                try {
                    acknowledged.add(ack.get(timeout().toMillis(), TimeUnit.MILLISECONDS).eventId());
                } catch (ExecutionException notAcknowledged) {
                    // only acknowledged publishes are promised
                }
            }
            assertTrue(acknowledged.size() > events.size() / 2, "most publishes should be acknowledged; "
                    + acknowledged.size() + " of " + events.size());

            chaos.set(false);
            while (alive().size() < MIN_MEMBERS) {
                join();
            }
            Received.await(timeout(), "the surviving members are ready",
                    () -> alive().stream().allMatch(m -> m.ready));
            List<Event> freshEvents = Sequenced.interleaved(topic, "fresh", FRESH_KEYS, 2);
            freshEvents.forEach(e -> published.put(Sequenced.key(e) + "#" + Sequenced.seq(e), clock.incrementAndGet()));
            fresh.addAll(publishAcknowledged(observer, freshEvents));
            awaitHandled();
        }

        List<Member> alive() {
            return members.stream().filter(m -> !m.leaving.get()).toList();
        }

        /** A random membership change, keeping between MIN_MEMBERS and MAX_MEMBERS members that are not leaving. */
        void step() {
            List<Member> alive = alive();
            boolean join = alive.size() < MIN_MEMBERS
                    || alive.size() < MAX_MEMBERS && ThreadLocalRandom.current().nextBoolean();
            if (join) {
                join();
                return;
            }
            List<Member> ready = alive.stream().filter(m -> m.ready).toList();
            if (!ready.isEmpty()) {
                leave(ready.get(ThreadLocalRandom.current().nextInt(ready.size())));
            }
        }

        void join() {
            Member m = new Member(members.size(), openBus(Map.of(QUEUE_CAPACITY, Integer.toString(CAPACITY),
                    CLOSE_TIMEOUT_MS, Long.toString(CLOSE_TIMEOUT.toMillis()))));
            Change c = begin("member " + m.id + " joins");
            members.add(m);
            m.subscription = m.bus.subscribe(options, e -> handle(m, e));
            m.subscription.ready().whenComplete((v, error) -> {
                if (error != null) {
                    readyFailures.add("member " + m.id + ": " + error);
                }
                m.ready = true;
                c.end = clock.incrementAndGet();
            });
        }

        void leave(Member m) {
            if (!m.leaving.compareAndSet(false, true)) {
                return;
            }
            Change c = begin("member " + m.id + " leaves");
            closer.execute(() -> closeTimed(m, c, "closed by the test"));
        }

        Change begin(String what) {
            Change c = new Change(what, clock.incrementAndGet());
            changes.add(c);
            return c;
        }

        /**
         * Closes the member's subscription; the change ends, and the close is timed, when close() returned and
         * completion() completed (from a handler, close() returns at once and the close finishes afterwards).
         */
        void closeTimed(Member m, Change c, String how) {
            Closing closing = new Closing(m.id, how, System.nanoTime(), new CompletableFuture<>());
            closes.add(closing);
            try {
                m.subscription.close();
            } catch (RuntimeException e) {
                c.end = clock.incrementAndGet();
                closing.done().completeExceptionally(e);
                return;
            }
            m.subscription.completion().whenComplete((v, error) -> {
                closeTimes.add(new CloseTime(m.id, how, Duration.ofNanos(System.nanoTime() - closing.startNanos())));
                c.end = clock.incrementAndGet();
                if (error != null) {
                    closing.done().completeExceptionally(error);
                } else {
                    closing.done().complete(null);
                }
            });
        }

        void handle(Member m, Event e) throws Exception {
            long start = clock.incrementAndGet();
            if (chaos.get()) {
                misbehave(m);
            }
            successes.add(new Handling(m.id, Sequenced.key(e), Sequenced.seq(e), start));
            handled.add(e.id());
        }

        /** Returns normally for a success (possibly interrupted or after closing its own subscription), or throws. */
        void misbehave(Member m) throws Exception {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            double r = random.nextDouble();
            if (r < 0.08) {
                failures.incrementAndGet();
                throw new IllegalStateException("chaos: handler failure");
            } else if (r < 0.13) {
                Thread.sleep(5 + random.nextInt(25));
            } else if (r < 0.15) {
                interrupts.incrementAndGet();
                Thread.currentThread().interrupt();   // a stray interrupt left behind by a successful handler
            } else if (r < 0.17) {
                interrupts.incrementAndGet();
                failures.incrementAndGet();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("chaos: interrupted and failed");
            } else if (r < 0.18 && m.ready && m.subscription != null && selfCloses.get() < MAX_SELF_CLOSES
                    && m.leaving.compareAndSet(false, true)) {
                selfCloses.incrementAndGet();
                closeTimed(m, begin("member " + m.id + " closes itself"), "closed from its own handler");
            } else if (r < 0.185) {
                stalls.incrementAndGet();
                // Stuck for longer than the close timeout: a close of this member gives up on it and must leave
                // what it holds unacknowledged (the drain's interrupt ends the sleep, failing this attempt).
                Thread.sleep(2 * CLOSE_TIMEOUT.toMillis());
            } else if (r < 0.5) {
                Thread.sleep(1);
            }
        }

        void awaitHandled() {
            try {
                Received.await(timeout(), "every acknowledged event was handled or dead-lettered and the fresh "
                        + "batch was handled", () -> missing().isEmpty() && handled.containsAll(fresh));
            } catch (AssertionError timedOut) {
                List<String> lost = missing();
                Set<String> freshLost = fresh.stream().filter(id -> !handled.contains(id)).collect(Collectors.toSet());
                throw new AssertionError(timedOut.getMessage() + ": " + lost.size() + " of " + acknowledged.size()
                        + " acknowledged events neither handled nor dead-lettered (for example "
                        + lost.stream().limit(10).toList() + "); " + freshLost.size() + " of " + fresh.size()
                        + " events published after the chaos not handled by the surviving members (a dispatcher "
                        + "worker may have died). " + summary(), timedOut);
            }
        }

        List<String> missing() {
            Set<String> deadIds = new HashSet<>();
            for (Event letter : dead.events()) {
                deadIds.add(letter.headers().getOrDefault("relaybus.dlq.original.id", letter.id()));
            }
            return acknowledged.stream().filter(id -> !handled.contains(id) && !deadIds.contains(id)).toList();
        }

        /** Closes the survivors and reports every broken promise at once, so one does not hide another. */
        void check(boolean perKeyOrder) throws InterruptedException {
            List<String> broken = new ArrayList<>();
            // Health as a monitor polling now would see it: the first answer counts.
            for (Member m : alive()) {
                expectUp("the subscription of member " + m.id, m.subscription.health(), broken);
                expectUp("the bus of member " + m.id, m.bus.health(), broken);
            }
            expectUp("the publishing bus", observer.health(), broken);
            for (Member m : alive()) {
                leave(m);
            }
            Duration bound = CLOSE_TIMEOUT.plus(CloseHandoffContract.HANG_MARGIN);
            // Closes started by the test register on the closer's thread.
            Received.await(timeout(), "every member began closing", () -> closes.size() == members.size());
            for (Closing close : closes) {
                long left = close.startNanos() + bound.toNanos() - System.nanoTime();
                try {
                    close.done().get(Math.max(0, left), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    broken.add("member " + close.member() + " " + close.how() + ": close() and completion() had "
                            + "not finished after the close timeout of " + CLOSE_TIMEOUT.toMillis() + " ms plus "
                            + CloseHandoffContract.HANG_MARGIN.toSeconds() + " s");
                } catch (ExecutionException e) {
                    broken.add("member " + close.member() + ": completion() failed, the subscription stopped on its "
                            + "own: " + e.getCause());
                }
            }
            readyFailures.forEach(f -> broken.add("never became ready: " + f));
            if (perKeyOrder) {
                List<String> problems = orderViolations();
                if (!problems.isEmpty()) {
                    broken.add("per-key order broke within a member with no membership change in between: "
                            + problems.stream().limit(10).toList() + " (" + problems.size() + " in all)");
                }
            }
            System.out.println("[tck] chaos: " + summary());
            assertTrue(broken.isEmpty(), broken.size() + " problem(s) after the chaos: " + String.join("; ", broken)
                    + ". " + summary());
        }

        void expectUp(String what, BusHealth health, List<String> broken) {
            if (health.status() != BusHealth.Status.UP) {
                broken.add(what + " is " + health.status() + ", not UP: " + health.detail());
            }
        }

        /**
         * Within one member, a key's successful handlings ordered by start; a step down from seq a to a lower seq b
         * is allowed only when a membership change overlapped the interval from a's publication to b's handling (a
         * member may have taken a in long before it handled it, so a's handling would be too late a bound).
         */
        List<String> orderViolations() {
            Map<String, List<Handling>> byMemberAndKey = successes.stream()
                    .collect(Collectors.groupingBy(h -> h.member() + "/" + h.key()));
            List<String> problems = new ArrayList<>();
            byMemberAndKey.values().forEach(list -> {
                List<Handling> sorted = list.stream().sorted(Comparator.comparingLong(Handling::start)).toList();
                for (int i = 1; i < sorted.size(); i++) {
                    Handling a = sorted.get(i - 1);
                    Handling b = sorted.get(i);
                    boolean explained = changes.stream().anyMatch(c -> c.start <= b.start() && c.end >= publishedAt(a));
                    if (b.seq() < a.seq() && !explained) {
                        problems.add("member " + a.member() + " handled " + a.key() + "#" + a.seq() + " then "
                                + b.key() + "#" + b.seq());
                    }
                }
            });
            return problems;
        }

        long publishedAt(Handling h) {
            return published.getOrDefault(h.key() + "#" + h.seq(), 0L);
        }

        String summary() {
            long selfClosed = closeTimes.stream().filter(t -> t.how().contains("own handler")).count();
            return members.size() + " members joined, " + closeTimes.size() + " closed (" + selfClosed
                    + " from their own handler), " + changes.size() + " membership changes, " + acknowledged.size()
                    + " acknowledged, " + handled.size() + " distinct events handled, " + successes.size()
                    + " successful handlings, " + failures.get() + " injected failures, " + interrupts.get()
                    + " self-interrupts, " + stalls.get() + " stalls, " + dead.unique() + " dead letters; slowest close "
                    + closeTimes.stream().map(CloseTime::took).max(Comparator.naturalOrder()).orElse(Duration.ZERO)
                    .toMillis() + " ms";
        }
    }
}
