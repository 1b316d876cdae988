package io.relaybus.tck;

import io.relaybus.api.Event;

import java.util.ArrayList;
import java.util.List;

/**
 * Events that carry their key and their sequence number within the key in the payload ({@code key#seq}), so a
 * handler can tell order and a dead letter can be traced back without relying on headers.
 */
final class Sequenced {

    private Sequenced() {
    }

    static Event event(String topic, String key, int seq) {
        return Event.builder(topic).key(key).payload(key + "#" + seq).build();
    }

    /** {@code keys x perKey} events with keys {@code prefix0..}, interleaved: every key's seq 0, then seq 1, ... */
    static List<Event> interleaved(String topic, String prefix, int keys, int perKey) {
        List<Event> events = new ArrayList<>(keys * perKey);
        for (int seq = 0; seq < perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                events.add(event(topic, prefix + k, seq));
            }
        }
        return events;
    }

    static String key(Event e) {
        String p = e.payloadAsString();
        return p.substring(0, p.lastIndexOf('#'));
    }

    static int seq(Event e) {
        String p = e.payloadAsString();
        return Integer.parseInt(p.substring(p.lastIndexOf('#') + 1));
    }
}
