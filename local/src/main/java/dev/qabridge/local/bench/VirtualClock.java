package dev.qabridge.local.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The benchmark's clock for the poller: real time as it passes (the looks, the JSON, the poller's own
 * work all take what they take) plus every wait the run would sleep or be parked for, added at once
 * instead of waited. An hour-long run is simulated in the time its looks take.
 */
final class VirtualClock extends Clock {
    private final long startMillis;
    private final long realStart = System.nanoTime();
    private volatile long skippedNanos;

    VirtualClock(long startMillis) {
        this.startMillis = startMillis;
    }

    /** Moves the clock on by {@code d}, as if that much time had been waited. */
    void advance(Duration d) {
        skippedNanos += d.toNanos();
    }

    @Override
    public long millis() {
        return startMillis + (skippedNanos + System.nanoTime() - realStart) / 1_000_000;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
