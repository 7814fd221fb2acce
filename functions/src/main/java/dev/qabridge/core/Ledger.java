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
 * conditionally) itself. Per run, {@code st_<runId>} is its state ({@link #WAITING} until a single
 * writer takes its final word: {@link #REPLIED}, {@link #CANCELLED}, {@link #SUPERSEDED} or
 * {@link #REJECTED}) and {@code doc_<runId>} a small JSON summary ({@link Entry}); {@code holder} and
 * {@code holderUntil} are the PR's one-run-at-a-time turn, {@code autoRun} its latest automatic run.
 * This class only reads the item (in DynamoDB's JSON) and writes summaries; it does no I/O.
 */
public record Ledger(List<Entry> entries, Optional<String> holder, long holderUntil, Optional<String> autoRun) {
    public static final String WAITING = "waiting";
    public static final String REPLIED = "replied";
    public static final String CANCELLED = "cancelled";
    public static final String SUPERSEDED = "superseded";
    public static final String REJECTED = "rejected";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One run: its id, its state in the item, and its summary. */
    public record Entry(String runId, String state, JsonNode doc) {
        public String kind() {
            return doc.path("kind").asText("");
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

        public boolean waiting() {
            return state.equals(WAITING);
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
        return entries.stream().filter(e -> !e.chatId().isEmpty()).findFirst();
    }

    /** A run's summary, as the ledger keeps it ({@code instructions} cut to 300 characters: the full text is in the execution's input). */
    public static ObjectNode summary(String runId, String kind, Ask ask, long atMillis) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("runId", runId).put("kind", kind).put("requester", ask.requester())
                .put("instructions", Strings.clip(ask.instructions(), 300)).put("at", atMillis).put("sha", ask.sha());
        return d;
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
