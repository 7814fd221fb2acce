package dev.qabridge.core;

/**
 * The code host a run lives on. Its {@link #wireName()} ("github", "gitlab") is what run ids, the
 * state machine's input ({@code origin.platform}), the ledger's keys, log events and the metrics'
 * {@code Platform} dimension carry; {@link #toString()} gives it too, so text built by concatenation
 * reads as it always has. Text posted on GitLab also runs quick actions and reads {@code >>>} as a
 * quote, which {@link Untrusted} defuses.
 */
public enum Platform {
    GITHUB("github"),
    GITLAB("gitlab");

    private final String wireName;

    Platform(String wireName) {
        this.wireName = wireName;
    }

    /** "github" or "gitlab". */
    public String wireName() {
        return wireName;
    }

    /** The platform named {@code name} ("github" or "gitlab"). */
    public static Platform fromName(String name) {
        for (Platform p : values()) {
            if (p.wireName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown platform " + name);
    }

    /** The wire name, as in a run id. */
    @Override
    public String toString() {
        return wireName;
    }
}
