package dev.qabridge.core;

/**
 * What QA.tech does for a run: a conversation with the agent ({@code POST /v1/chat}, its follow-ups too), a change
 * review (a conversation that starts from the PR's changes) or a test plan run ({@code POST /v1/run}, and its re-run of the failed tests). The wire name is what the state, the ledger and
 * the logs carry.
 */
public enum WorkKind {
    CHAT("chat"),
    PLAN("plan"),
    /** A change review ({@code POST /v1/chat/change-review}): a conversation that starts with the PR's changes. */
    REVIEW("review");

    private final String wireName;

    WorkKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether its answer is read as a conversation's (a change review is one). */
    public boolean conversation() {
        return this != PLAN;
    }

    /** What people call it: "conversation", "change review", "test plan run". */
    public String noun() {
        return switch (this) {
            case PLAN -> "test plan run";
            case REVIEW -> "change review";
            case CHAT -> "conversation";
        };
    }

    /** The kind named {@code name}; a conversation for none (states and ledger summaries written before kinds existed). */
    public static WorkKind fromName(String name) {
        for (WorkKind k : values()) {
            if (k.wireName.equals(name)) {
                return k;
            }
        }
        return CHAT;
    }
}
