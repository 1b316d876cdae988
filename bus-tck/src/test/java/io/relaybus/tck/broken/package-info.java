/**
 * Deliberately broken transports, each the in-memory transport with one bug, that the kit's own tests run the kit
 * against to prove its contracts catch that bug.
 */
package io.relaybus.tck.broken;
