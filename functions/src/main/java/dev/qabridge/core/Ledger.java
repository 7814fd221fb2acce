package dev.qabridge.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One PR's runs as the run table keeps them: the item {@code pr#<platform>#<repository>#<number>},
 * which the state machine reads ({@code dynamodb:getItem}) and writes ({@code dynamodb:updateItem},
 * conditionally) itself. Per run, {@code st_<runId>} is its state and {@code doc_<runId>} a small JSON
 * summary ({@link Entry}). A run is {@link #WAITING} (registered, maybe queued: nothing written on the
 * PR yet), then {@link #STARTING} (it holds its turn and is starting the agent, posting its status
 * comment and pending status), then {@link #RUNNING} (all of that is in its summary), until a single
 * writer takes its final word: {@link #REPLIED}, {@link #CANCELLED}, {@link #SUPERSEDED} or
 * {@link #REJECTED}. {@code holder} and {@code holderUntil} are the PR's one-run-at-a-time turn,
 * {@code autoRun}/{@code autoOrder}/{@code autoSha} its newest automatic run, and {@code recent} the
 * ids of its newest {@link #MAX_RUNS} runs, oldest first: registering a run removes the attributes of
 * the runs that fall out of it in the same write, so the item stays small however many runs a PR has.
 * This class only reads the item (in DynamoDB's JSON) and plans writes; it does no I/O.
 */
public record Ledger(List<Entry> entries, Optional<String> holder, long holderUntil, Optional<String> autoRun) {
    public static final String WAITING = "waiting";
    public static final String STARTING = "starting";
    public static final String RUNNING = "running";
    public static final String REPLIED = "replied";
    public static final String CANCELLED = "cancelled";
    public static final String SUPERSEDED = "superseded";
    public static final String REJECTED = "rejected";
    /** An automatic run its skip rules left out: it wrote nothing but its status ({@code status.onSkip}). */
    public static final String SKIPPED = "skipped";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The most runs a PR's item keeps. */
    public static final int MAX_RUNS = 50;
    /** What a summary keeps of each text, in UTF-8 bytes: 50 summaries stay under 64 KB whatever they hold. */
    static final int INSTRUCTIONS_BYTES = 160;
    static final int URL_BYTES = 160;
    static final int NAME_BYTES = 48;
    static final int ID_BYTES = 40;

    /** One run: its id, its state in the item, and its summary. */
    public record Entry(String runId, String state, JsonNode doc) {
        public String kind() {
            return doc.path("kind").asText("");
        }

        /** What QA.tech did for it: a conversation (also for summaries written before kinds existed) or a test plan run. */
        public WorkKind work() {
            return WorkKind.fromName(doc.path("work").asText(""));
        }

        public String requester() {
            return doc.path("requester").asText("");
        }

        public String instructions() {
            return doc.path("instructions").asText("");
        }

        public long at() {
            return doc.path("at").asLong(0);
        }

        public String sha() {
            return doc.path("sha").asText("");
        }

        public String chatId() {
            return doc.path("chatId").asText("");
        }

        public String chatUrl() {
            return doc.path("chatUrl").asText("");
        }

        public String statusCommentId() {
            return doc.path("statusCommentId").asText("");
        }

        public String previewUrl() {
            return doc.path("previewUrl").asText("");
        }

        public String checkRunId() {
            return doc.path("checkRunId").asText("");
        }

        /** How it ended ("" while it runs): an {@link Outcome} name, and the verdict when the agent gave one. */
        public String outcome() {
            return doc.path("outcome").asText("");
        }

        public String verdict() {
            return doc.path("verdict").asText("");
        }

        /** Why its skip rules left an automatic run out, naming the rule ("" for a run that ran). */
        public String skipped() {
            return doc.path("skipped").asText("");
        }

        /** The rule that skipped it ({@code skipDrafts}, {@code paths}, …; "" for a run that ran). */
        public String skipRule() {
            return doc.path("skipRule").asText("");
        }

        /** Still going: registered, starting or running, with nobody's final word yet. */
        public boolean going() {
            return state.equals(WAITING) || state.equals(STARTING) || state.equals(RUNNING);
        }
    }

    /** The ledger in a {@code dynamodb:getItem} result ({@code {"Item": {...}}}; no item is an empty ledger). */
    public static Ledger fromGetItem(JsonNode result) {
        JsonNode item = result.path("Item");
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().startsWith("st_")) {
                String runId = f.getKey().substring(3);
                entries.add(new Entry(runId, f.getValue().path("S").asText(""), parse(item.path("doc_" + runId).path("S").asText("{}"))));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::at).reversed().thenComparing(Entry::runId));
        return new Ledger(List.copyOf(entries), Optional.of(item.path("holder").path("S").asText("")).filter(h -> !h.isEmpty()),
                item.path("holderUntil").path("N").asLong(0), Optional.of(item.path("autoRun").path("S").asText("")).filter(a -> !a.isEmpty()));
    }

    /** The runs, newest first. */
    public List<Entry> newestFirst() {
        return entries;
    }

    public Optional<Entry> entry(String runId) {
        return entries.stream().filter(e -> e.runId().equals(runId)).findFirst();
    }

    /** The newest run that started a conversation: what a follow-up continues. */
    public Optional<Entry> latestConversation() {
        return entries.stream().filter(e -> !e.chatId().isEmpty() && e.work().conversation()).findFirst();
    }

    /** The newest run whose QA.tech work of {@code kind} started (a conversation, a test plan run). */
    public Optional<Entry> latest(WorkKind kind) {
        return entries.stream().filter(e -> !e.chatId().isEmpty() && e.work() == kind).findFirst();
    }

    /** A run's summary, as the ledger keeps it (texts cut: the full instructions are in the execution's input). */
    public static ObjectNode summary(String runId, String kind, WorkKind work, Ask ask, long atMillis) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("runId", runId).put("kind", kind);
        if (work != WorkKind.CHAT) {
            d.put("work", work.wireName());
        }
        d.put("requester", Strings.clipBytes(ask.requester(), NAME_BYTES))
                .put("instructions", Strings.clipBytes(ask.instructions(), INSTRUCTIONS_BYTES)).put("at", atMillis)
                .put("sha", Strings.clipBytes(ask.sha(), ID_BYTES));
        return d;
    }

    /** Most bytes of a skip's reason a summary keeps. */
    static final int REASON_BYTES = 200;

    /** Sets why the run was skipped, and by which rule, on a summary. */
    public static ObjectNode withSkip(ObjectNode summary, String rule, String reason) {
        return summary.put("skipRule", Strings.clipBytes(rule, NAME_BYTES)).put("skipped", Strings.clipBytes(reason, REASON_BYTES));
    }

    /** Sets what the run wrote (its target, conversation, status comment, check run) on a summary, each text capped. */
    public static ObjectNode withWork(ObjectNode summary, String sha, String previewUrl, String chatId, String chatUrl, String statusCommentId,
                                      String checkRunId) {
        return summary.put("sha", Strings.clipBytes(sha, ID_BYTES)).put("previewUrl", Strings.clipBytes(previewUrl, URL_BYTES))
                .put("chatId", Strings.clipBytes(chatId, NAME_BYTES)).put("chatUrl", Strings.clipBytes(chatUrl, URL_BYTES))
                .put("statusCommentId", Strings.clipBytes(statusCommentId, ID_BYTES)).put("checkRunId", Strings.clipBytes(checkRunId, ID_BYTES));
    }

    /**
     * The {@code dynamodb:updateItem} that registers a run: its state (kept if already set), its summary,
     * the item's expiry, and {@code recent} with the run appended; the runs that fall out of the newest
     * {@link #MAX_RUNS} lose their attributes in the same write. The write is conditional on {@code recent}
     * being what was read ({@code before}: a {@code getItem} of that attribute alone; empty when the item has none), so two runs
     * registering at once cannot drop each other: the loser reads again and plans again.
     */
    public static StepResult.Registration registration(String runId, String doc, String expiresAt, Optional<String> before) {
        List<String> recent = new ArrayList<>();
        if (before.isPresent()) {
            parse("{\"r\":" + before.get() + "}").path("r").forEach(r -> recent.add(r.asText()));
        }
        if (!recent.contains(runId)) {
            recent.add(runId);
        }
        List<String> dropped = new ArrayList<>(recent.subList(0, Math.max(0, recent.size() - MAX_RUNS)));
        recent.subList(0, dropped.size()).clear();

        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode names = out.putObject("names");
        ObjectNode values = out.putObject("values");
        names.put("#st", "st_" + runId).put("#doc", "doc_" + runId);
        values.putObject(":waiting").put("S", WAITING);
        values.putObject(":doc").put("S", doc);
        values.putObject(":exp").put("N", expiresAt);
        values.putObject(":recent").put("S", JSON.valueToTree(recent).toString());
        StringBuilder expression = new StringBuilder("SET #st = if_not_exists(#st, :waiting), #doc = :doc, expiresAt = :exp, recent = :recent");
        for (int i = 0; i < dropped.size(); i++) {
            names.put("#ost" + i, "st_" + dropped.get(i)).put("#odoc" + i, "doc_" + dropped.get(i));
            expression.append(i == 0 ? " REMOVE " : ", ").append("#ost").append(i).append(", #odoc").append(i);
        }
        out.put("expression", expression.toString());
        if (before.isPresent()) {
            values.putObject(":before").put("S", before.get());
            out.put("condition", "recent = :before");
        } else {
            out.put("condition", "attribute_not_exists(recent)");
        }
        out.put("dropped", dropped.size());
        return new StepResult.Registration(out, dropped.size());
    }

    private static JsonNode parse(String doc) {
        try {
            JsonNode n = JSON.readTree(doc);
            return n == null || !n.isObject() ? JsonNodeFactory.instance.objectNode() : n;
        } catch (IOException e) {
            return JsonNodeFactory.instance.objectNode();
        }
    }
}
