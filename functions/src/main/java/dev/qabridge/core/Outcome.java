package dev.qabridge.core;

/** How a run ended, as the reply reports it. */
public enum Outcome {
    COMPLETED("✅", "QA.tech finished"),
    FAILED("❌", "QA.tech's agent failed"),
    CANCELLED("⏹️", "The QA.tech conversation was cancelled"),
    TIMED_OUT("⏱️", "Timed out waiting for QA.tech"),
    NOT_STARTED("⚠️", "QA.tech could not start"),
    NO_PREVIEW("🤖", "qa-bridge: no preview to test"),
    ERROR("⚠️", "The bridge could not finish this run");

    private final String icon;
    private final String headline;

    Outcome(String icon, String headline) {
        this.icon = icon;
        this.headline = headline;
    }

    public String icon() {
        return icon;
    }

    public String headline() {
        return headline;
    }

    public boolean success() {
        return this == COMPLETED;
    }
}
