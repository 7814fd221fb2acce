package dev.qabridge.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one JSON codec of a run's state: the state machine's input ({@link RunInput}), the state a step receives
 * ({@link RunState}), a stopping Map's item, and what a step returns ({@link StepResult}). The paths are the state
 * machine's: a state's ResultPath is where {@link #write} output lands, and {@link #read} reads it back from there.
 */
public final class RunStateJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RunStateJson() {}

    // --- the state machine's input -------------------------------------------------------------------

    public static ObjectNode write(RunInput in) {
        ObjectNode o = NODES.objectNode();
        o.put("runId", in.runId()).put("command", in.command());
        o.set("origin", write(in.origin()));
        o.set("ask", write(in.ask()));
        o.put("problem", in.problem() == null ? "" : in.problem());
        o.put("settingsFile", in.settingsFile() == null ? "" : in.settingsFile());
        o.putObject("poll").put("deadline", in.deadlineEpochSeconds()).put("waitSeconds", in.firstWaitSeconds()).put("polls", 0);
        o.putObject("ledger").put("key", RunInput.ledgerKey(in.origin())).put("st", "st_" + in.runId()).put("doc", "doc_" + in.runId())
                .put("expiresAt", String.valueOf(in.ledgerExpiresAt()));
        o.put("request", in.request());
        o.put("recall", in.recall());
        o.putObject("work").put("kind", in.work().wireName()).put("plan", in.plan());
        if (in.command().equals(RunInput.AUTO)) {
            // which deployment is newer: the ledger's claim of the PR's automatic run compares these (deployment ids only grow)
            o.put("order", String.valueOf(RunInput.deploymentOrder(in.runId())));
        }
        return o;
    }

    public static RunInput input(JsonNode o) {
        return new RunInput(o.path("runId").asText(), o.path("command").asText(), origin(o.path("origin")), ask(o.path("ask")),
                o.path("problem").asText(""), o.path("settingsFile").asText(""), o.path("poll").path("deadline").asLong(),
                o.path("poll").path("waitSeconds").asInt(), o.path("request").asText(""), o.path("recall").asText(""),
                WorkKind.fromName(o.path("work").path("kind").asText("")), o.path("work").path("plan").asText(""));
    }

    /** A stored execution input (text), or an empty one when it is not JSON. */
    public static RunInput input(String text) {
        return input(parse(text));
    }

    public static ObjectNode write(Origin o) {
        return NODES.objectNode().put("platform", o.platform().wireName()).put("repo", o.repo()).put("projectId", o.projectId())
                .put("number", o.number()).put("discussionId", o.discussionId()).put("installationId", o.installationId());
    }

    public static Origin origin(JsonNode o) {
        // a state without a platform (a test's, priming's) reads as one with none: nothing that needs it runs on it
        String platform = o.path("platform").asText("");
        return new Origin(platform.isEmpty() ? null : Platform.fromName(platform), o.path("repo").asText(), o.path("projectId").asText(""),
                o.path("number").asLong(), o.path("discussionId").asText(""), o.path("installationId").asLong(0));
    }

    public static ObjectNode write(Ask a) {
        return NODES.objectNode().put("requester", a.requester()).put("instructions", a.instructions()).put("url", a.url())
                .put("commentId", a.commentId()).put("deliveryId", a.deliveryId()).put("receivedAt", a.receivedAtMillis())
                .put("sha", a.sha()).put("environment", a.environment());
    }

    public static Ask ask(JsonNode o) {
        return new Ask(o.path("requester").asText(), o.path("instructions").asText(), o.path("url").asText(""),
                o.path("commentId").asText(""), o.path("deliveryId").asText(""), o.path("receivedAt").asLong(0),
                o.path("sha").asText(""), o.path("environment").asText(""));
    }

    // --- the state a step receives -------------------------------------------------------------------

    /** A step's state; a stopping Map's item ({@code {run, parent, marked}}) reads as the run that stops others ({@code parent}). */
    public static RunState read(JsonNode s) {
        if (s.has("parent")) {
            s = s.path("parent");
        }
        RunInput in = input(s);
        JsonNode skip = s.path("skip");
        return new RunState(in, target(s.path("target")), work(s.path("conversation")), written(s), poll(s.path("poll")), ending(s),
                read(s, in.runId()), skip.path("rule").isTextual()
                        ? Optional.of(new RunState.Skip(skip.path("rule").asText(), skip.path("reason").asText(""))) : Optional.empty());
    }

    private static RunState.Target target(JsonNode t) {
        if (!t.isObject()) {
            return RunState.Target.NONE;
        }
        return new RunState.Target(t.path("url").asText(""), t.path("source").asText(""), t.path("sha").asText(""),
                t.path("headSha").asText(""), t.path("branch").asText(""), t.path("webUrl").asText(""), t.path("title").asText(""),
                t.path("description").asText(""), t.path("leftOut").asText(""));
    }

    private static RunState.Work work(JsonNode c) {
        return new RunState.Work(WorkKind.fromName(c.path("kind").asText("")), c.path("id").asText(""), c.path("url").asText(""),
                c.path("sentAt").asText(""), c.path("message").asText(""));
    }

    private static RunState.Written written(JsonNode s) {
        JsonNode pending = s.path("pending");
        return new RunState.Written(s.path("status").path("commentId").asText(""),
                pending.path("sha").isTextual() ? Optional.of(pending.path("sha").asText()) : Optional.empty(),
                pending.path("checkRunId").asText(""));
    }

    private static RunState.Poll poll(JsonNode p) {
        return new RunState.Poll(p.path("deadline").asLong(Long.MAX_VALUE), p.path("waitSeconds").asLong(0), p.path("polls").asInt(0),
                p.path("outage").asInt(0), p.path("status").asText(""), p.path("timedOut").asBoolean(false), p.path("done").asBoolean(false),
                p.path("doneAt").canConvertToLong() ? Optional.of(p.path("doneAt").asLong()) : Optional.empty(),
                p.path("answer").isTextual() ? Optional.of(p.path("answer").asText()) : Optional.empty());
    }

    private static RunState.Ending ending(JsonNode s) {
        Map<String, RunState.Failure> failed = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("failed").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            failed.put(f.getKey(), failure(f.getValue()));
        }
        JsonNode reply = s.path("reply");
        Optional<RunState.Replied> replied = reply.path("outcome").isTextual()
                ? Optional.of(new RunState.Replied(Outcome.valueOf(reply.path("outcome").asText()),
                        Verdict.Kind.valueOf(reply.path("verdict").asText("NONE")), reply.path("heading").asText(""), reply.path("line").asText(""),
                        reply.path("rerunnable").asBoolean(false)))
                : Optional.empty();
        return new RunState.Ending(Map.copyOf(failed), s.path("turn").path("expired").asBoolean(false), s.has("stopped"), replied);
    }

    /** Step Functions hands a caught error over as {@code {Error, Cause}}, Cause being the Lambda error JSON (or text). */
    private static RunState.Failure failure(JsonNode error) {
        String name = error.path("Error").asText("");
        String cause = error.path("Cause").asText("");
        JsonNode parsed = parse(cause);
        String message = parsed.hasNonNull("errorMessage") ? parsed.path("errorMessage").asText()
                : cause.isBlank() ? (name.isEmpty() ? "unknown error" : name) : cause;
        return new RunState.Failure(name, message);
    }

    private static RunState.Read read(JsonNode s, String runId) {
        JsonNode f = s.path("followup");
        Optional<RunState.FollowUp> followUp = f.path("found").asBoolean(false)
                ? Optional.of(new RunState.FollowUp(f.path("chatId").asText(""), f.path("chatUrl").asText(""), f.path("previewUrl").asText(""),
                        f.path("sha").asText("")))
                : Optional.empty();
        List<String> stopped = new ArrayList<>();
        s.path("cancel").path("runs").forEach(r -> stopped.add(r.path("runId").asText()));
        JsonNode own = s.path("own").path("Item");
        JsonNode recent = s.path("index").path("Item").path("recent").path("S");
        return new RunState.Read(Ledger.fromGetItem(s.path("pr")), s.path("ack").path("entry").asText("{}"),
                recent.isTextual() ? Optional.of(recent.asText()) : Optional.empty(), followUp, List.copyOf(stopped),
                s.path("previousAuto").path("Attributes").path("autoRun").path("S").asText(""),
                Optional.of(own.path("st_" + runId).path("S").asText("")).filter(x -> !x.isEmpty()),
                own.path("autoSha").path("S").asText(""), s.has("busy"));
    }

    /** A stopping Map's item: the run that stops ({@code parent}), the run it stops, and that run's attributes before the mark. */
    public record StopItem(RunState by, StepResult.StopOrder run, Optional<String> stateBefore, Optional<String> docBefore) {}

    public static StopItem stopItem(JsonNode item) {
        JsonNode run = item.path("run");
        String runId = run.path("runId").asText();
        JsonNode old = item.path("marked").path("Attributes");
        JsonNode st = old.path("st_" + runId).path("S");
        JsonNode doc = old.path("doc_" + runId).path("S");
        return new StopItem(read(item.path("parent")),
                new StepResult.StopOrder(runId, run.path("doc").asText("{}"), run.path("planned").asText(Ledger.RUNNING),
                        run.path("as").asText(Ledger.CANCELLED)),
                st.isTextual() ? Optional.of(st.asText()) : Optional.empty(), doc.isTextual() ? Optional.of(doc.asText()) : Optional.empty());
    }

    // --- what a step returns -------------------------------------------------------------------------

    public static JsonNode write(StepResult result) {
        ObjectNode o = NODES.objectNode();
        return switch (result) {
            case StepResult.Nothing n -> NullNode.getInstance();
            case RunState.Target t -> o.put("url", t.url()).put("source", t.source()).put("sha", t.sha()).put("headSha", t.headSha())
                    .put("branch", t.branch()).put("webUrl", t.webUrl()).put("title", t.title()).put("description", t.description())
                    .put("leftOut", t.leftOut());
            case RunState.Work w -> {
                o.put("id", w.id()).put("url", w.url()).put("sentAt", w.sentAt());
                if (!w.message().isEmpty()) {
                    o.put("message", w.message());
                }
                if (w.kind() != WorkKind.CHAT) {
                    o.put("kind", w.kind().wireName());
                }
                yield o;
            }
            case RunState.Poll p -> {
                o.put("deadline", p.deadline()).put("polls", p.polls()).put("status", p.status()).put("timedOut", p.timedOut())
                        .put("done", p.done()).put("waitSeconds", p.waitSeconds()).put("outage", p.outage());
                p.doneAtMillis().ifPresent(at -> o.put("doneAt", at));
                p.answer().ifPresent(a -> o.put("answer", a));
                yield o;
            }
            case StepResult.Acknowledged a -> {
                a.settingsClaim().ifPresent(c -> o.put("settingsClaim", c));
                yield o.put("entry", a.summary()).put("concurrency", a.concurrency());
            }
            case StepResult.Posted p -> o.put("commentId", p.commentId());
            case StepResult.FollowUpPlan f -> f.followUp()
                    .map(u -> o.put("found", true).put("chatId", u.chatId()).put("chatUrl", u.chatUrl()).put("previewUrl", u.previewUrl())
                            .put("sha", u.sha()).put("of", f.of()))
                    .orElseGet(() -> o.put("found", false));
            case StepResult.Recalled r -> write(r.ask());
            case StepResult.MergeQueueReported m -> m.reported()
                    ? o.put("reported", true).put("state", m.state()).put("headSha", m.headSha()).put("description", m.description())
                    : o.put("reported", false);
            case StepResult.Registration r -> r.update();
            case StepResult.TurnClock t -> o.put("now", String.valueOf(t.now())).put("until", String.valueOf(t.until())).put("expired", t.expired());
            case StepResult.StatusPosted p -> o.put("commentId", p.commentId()).put("entry", p.summary());
            case StepResult.RunningReported r -> {
                r.sha().ifPresent(sha -> o.put("sha", sha).put("checkRunId", r.checkRunId()));
                r.refused().ifPresent(why -> o.put("refused", why));   // in the execution's history too: the run goes on without a status
                yield o.put("entry", r.summary());
            }
            case StepResult.StopPlan p -> {
                ArrayNode runs = o.putArray("runs");
                for (StepResult.StopOrder r : p.runs()) {
                    runs.addObject().put("runId", r.runId()).put("st", "st_" + r.runId()).put("docAttr", "doc_" + r.runId())
                            .put("doc", r.doc()).put("planned", r.planned()).put("as", r.as());
                }
                yield o.put("count", p.runs().size());
            }
            case StepResult.Ended e -> o.put("state", e.state());
            case StepResult.Busy b -> o.put("entry", b.summary());
            case StepResult.ReplyWritten r -> {
                o.put("replied", true).put("outcome", r.outcome().name()).put("verdict", r.verdict().name())
                        .put("edited", r.edited()).put("polls", r.polls()).put("entry", r.summary());
                if (!r.heading().isEmpty()) {
                    o.put("heading", r.heading()).put("line", r.line()).put("rerunnable", r.rerunnable());
                }
                yield o;
            }
            case StepResult.LostReply l -> o.put("lost", true);
            case StepResult.SkipDecision d -> d.skip().map(k -> o.put("rule", k.rule()).put("reason", k.reason()))
                    .orElseGet(() -> o.put("runs", true).put("note", d.note()));
        };
    }

    /** A ledger summary's text as an object to add to ({@code {}} when it is not one). */
    public static ObjectNode summary(String text) {
        JsonNode n = parse(text);
        return n.isObject() ? (ObjectNode) n : NODES.objectNode();
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            return n == null ? NODES.objectNode() : n;
        } catch (IOException e) {
            return NODES.objectNode();
        }
    }
}
