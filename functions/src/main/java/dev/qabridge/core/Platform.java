package dev.qabridge.core;

/**
 * The code host a run lives on. Its {@link #wireName()} ("github", "gitlab") is what run ids, the
 * state machine's input ({@code origin.platform}), the ledger's keys, log events and the metrics'
 * {@code Platform} dimension carry; {@link #toString()} gives it too, so text built by concatenation
 * reads as it always has. Text posted on GitLab also runs quick actions and reads {@code >>>} as a
 * quote, which {@link Untrusted} defuses.
 */
public enum Platform {
    GITHUB("github", ".github/qa-bridge.yml"),
    GITLAB("gitlab", ".gitlab/qa-bridge.yml");

    private final String wireName;
    private final String settingsPath;

    Platform(String wireName, String settingsPath) {
        this.wireName = wireName;
        this.settingsPath = settingsPath;
    }

    /** "github" or "gitlab". */
    public String wireName() {
        return wireName;
    }

    /** Where a repository's settings file lives, read from its default branch. */
    public String settingsPath() {
        return settingsPath;
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
