package dev.qabridge.core;

/**
 * What QA.tech does for a run: a conversation with the agent ({@code POST /v1/chat}, its follow-ups too) or a test
 * plan run ({@code POST /v1/run}, and its re-run of the failed tests). The wire name is what the state, the ledger and
 * the logs carry.
 */
public enum WorkKind {
    CHAT("chat"),
    PLAN("plan");

    private final String wireName;

    WorkKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The kind named {@code name}; a conversation for none (states and ledger summaries written before kinds existed). */
    public static WorkKind fromName(String name) {
        return name != null && name.equals(PLAN.wireName) ? PLAN : CHAT;
    }
}
