package dev.qabridge.core;

/**
 * What the webhook decided, as the state machine's input: one execution per accepted command (its
 * name is {@link #runId}, which carries the dedupe), holding ids and short texts, never a secret.
 *
 * <p>{@code command} is what the states do: {@code run} (a command run), {@code auto} (a run for a
 * deployment), {@code followup}, {@code rerun} (a check run's Re-run button: {@code recall} names the
 * run whose instructions it repeats), {@code help}, {@code status}, {@code cancel}, {@code push} (the
 * PR's head moved: cancel its runs on older commits), {@code invalid} (answered with {@code problem}),
 * {@code refuse} (an untrusted commenter: a 😕 reaction, nothing else), {@code mergequeue} (a merge queue's
 * or merge train's commit, {@code ask.sha}, gets the PR's QA result; {@code problem} says why it cannot).
 * {@code work} is what QA.tech does ({@link WorkKind}): for a test plan run, {@code plan} names the plan (empty for a
 * re-run of the failed tests, which continues an earlier plan run as a follow-up continues a conversation).
 * {@code settingsFile} is the repository's settings file as read from its default branch ("" when none),
 * so every state applies the same settings. {@code ledger} names the PR's item in the run table and this run's attributes in
 * it (the state machine reads and writes them itself). {@code request} makes each delivery's input
 * unique, so that a second start of the same name is refused by Step Functions instead of joining the
 * first. {@link RunStateJson} writes it as the state machine's input.
 */
public record RunInput(String runId, String command, Origin origin, Ask ask, String problem, String settingsFile,
                       long deadlineEpochSeconds, int firstWaitSeconds, String request, String recall, WorkKind work, String plan) {

    public static final String RUN = "run";
    public static final String AUTO = "auto";
    public static final String FOLLOWUP = "followup";
    public static final String RERUN = "rerun";
    public static final String HELP = "help";
    public static final String STATUS = "status";
    public static final String CANCEL = "cancel";
    public static final String PUSH = "push";
    public static final String INVALID = "invalid";
    public static final String REFUSE = "refuse";
    public static final String MERGE_QUEUE = "mergequeue";

    /** How long the run table keeps a PR's runs after the last one changed (Step Functions keeps a name taken 90 days). */
    public static final long LEDGER_DAYS = 90;

    public RunInput {
        recall = recall == null ? "" : recall;
        work = work == null ? WorkKind.CHAT : work;
        plan = plan == null ? "" : plan;
    }

    /** A run whose work is a conversation. */
    public RunInput(String runId, String command, Origin origin, Ask ask, String problem, String settingsFile, long deadlineEpochSeconds,
                    int firstWaitSeconds, String request, String recall) {
        this(runId, command, origin, ask, problem, settingsFile, deadlineEpochSeconds, firstWaitSeconds, request, recall, WorkKind.CHAT, "");
    }

    /** When the PR's item may expire once this run has changed it (epoch seconds). */
    public long ledgerExpiresAt() {
        return deadlineEpochSeconds + LEDGER_DAYS * 86_400;
    }

    /** The PR's item in the run table: {@code pr#<platform>#<repository>#<number>}. */
    public static String ledgerKey(Origin o) {
        return "pr#" + o.platform().wireName() + "#" + o.repoKey() + "#" + o.number();
    }

    /** The deployment id in an automatic run's id ({@code <platform>-d<deployment>-<number>}); 0 when there is none. */
    public static long deploymentOrder(String runId) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-d(\\d{1,18})-").matcher(runId);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
