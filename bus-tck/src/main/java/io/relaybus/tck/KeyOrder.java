package io.relaybus.tck;

import io.relaybus.api.Event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The sequence numbers handled per key, in the order handled. Thread safe. */
final class KeyOrder {

    private final Map<String, List<Integer>> seen = new TreeMap<>();

    /** Records a successful handling of a {@link Sequenced} event. */
    synchronized void record(Event e) {
        seen.computeIfAbsent(Sequenced.key(e), k -> new ArrayList<>()).add(Sequenced.seq(e));
    }

    /**
     * What is wrong with the order: with {@code complete}, every key must show exactly {@code 0..perKey-1} once each,
     * in order; otherwise (at most once) what arrived must be strictly increasing per key. Empty when all is well.
     */
    synchronized List<String> violations(boolean complete, int keys, int perKey) {
        List<String> problems = new ArrayList<>();
        if (complete && seen.size() != keys) {
            problems.add("expected " + keys + " keys, saw " + seen.size());
        }
        seen.forEach((key, seqs) -> {
            if (complete) {
                List<Integer> expected = new ArrayList<>(perKey);
                for (int i = 0; i < perKey; i++) {
                    expected.add(i);
                }
                if (!expected.equals(seqs)) {
                    problems.add(key + " handled as " + seqs);
                }
            } else {
                for (int i = 1; i < seqs.size(); i++) {
                    if (seqs.get(i) <= seqs.get(i - 1)) {
                        problems.add(key + " handled as " + seqs);
                        break;
                    }
                }
            }
        });
        return problems;
    }
}
