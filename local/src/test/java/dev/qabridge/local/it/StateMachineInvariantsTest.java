package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a required check needs of the state machine, proved on its graph rather than hoped for in
 * code: every path on which a run reported "running" goes through a state that reports its final
 * status, and every accepted command ends in a reply (or in a Fail state, which raises the alarm),
 * except the few ends that are silent by design. Every edge counts: Next, Default, each Choice and
 * each Catch, whatever the data; a loop (waiting for the agent, for the turn, for the answer) is a
 * path that has not ended yet, bounded by the run's deadline.
 */
class StateMachineInvariantsTest {
    private static JsonNode states;

    @BeforeAll
    static void read() throws Exception {
        states = JsonHttp.JSON.readTree(LocalStack.root().resolve("statemachine/qa-bridge.asl.json").toFile()).path("States");
    }

    /** Every command a run can carry ({@code $.command}), as the webhook starts them. */
    static final Set<String> COMMANDS = Set.of("run", "auto", "followup", "rerun", "help", "invalid", "status", "cancel", "push", "refuse",
            "mergequeue");

    /**
     * A step of the walk: a state, the commands a run can still carry there, and whether it is an automatic run its skip
     * rules left out ({@code $.skip.rule}: true, false, or null while not yet known).
     */
    private record At(String state, Set<String> commands, Boolean skipped) {
        At(String state, Set<String> commands) {
            this(state, commands, null);
        }
    }

    /** A rule that asks whether the run was skipped ({@code $.skip.rule} is present). */
    private static boolean isSkipRule(JsonNode rule) {
        return rule.path("Variable").asText().equals("$.skip.rule") && rule.path("IsPresent").asBoolean(false);
    }

    /**
     * The states a state can go to next, by any edge, with the commands that can take each edge: a
     * Choice's rules on {@code $.command} split them (alone or inside And/Or/Not; its Default takes what
     * no rule named), any other edge takes them all. That is how the walk knows, say, that only an
     * automatic run reaches the supersede, or that a busy refusal is never an automatic run's.
     */
    private static List<At> next(At at) {
        JsonNode s = states.path(at.state());
        List<At> out = new ArrayList<>();
        if (s.hasNonNull("Next")) {
            out.add(new At(s.path("Next").asText(), at.commands(), at.skipped()));
        }
        Set<String> rest = new HashSet<>(at.commands());
        Boolean skipped = at.skipped();
        for (JsonNode c : s.path("Choices")) {
            if (isSkipRule(c)) {
                // a skipped run takes it (and no later rule); one that goes on past it was not skipped
                if (!Boolean.FALSE.equals(skipped) && !rest.isEmpty()) {
                    out.add(new At(c.path("Next").asText(), Set.copyOf(rest), true));
                }
                if (Boolean.TRUE.equals(skipped)) {
                    rest.clear();
                }
                skipped = false;
                continue;
            }
            Set<String> taking = matchable(c, rest);
            if (!taking.isEmpty()) {
                out.add(new At(c.path("Next").asText(), Set.copyOf(taking), skipped));
            }
            commandOf(c).ifPresent(rest::remove);   // the first rule that matches wins: the later ones never see it
        }
        if (s.hasNonNull("Default") && !rest.isEmpty()) {
            out.add(new At(s.path("Default").asText(), Set.copyOf(rest), skipped));
        }
        s.path("Catch").forEach(c -> out.add(new At(c.path("Next").asText(), at.commands(), at.skipped())));
        return out;
    }

    /** The command a rule is exactly ({@code $.command} equals it); empty for any other rule. */
    private static java.util.Optional<String> commandOf(JsonNode rule) {
        return rule.path("Variable").asText().equals("$.command") && rule.has("StringEquals")
                ? java.util.Optional.of(rule.path("StringEquals").asText()) : java.util.Optional.empty();
    }

    /** The commands among {@code commands} a rule can match: And narrows, Or joins, Not of a command removes it, the rest keep all. */
    private static Set<String> matchable(JsonNode rule, Set<String> commands) {
        if (commandOf(rule).isPresent()) {
            return commands.contains(commandOf(rule).get()) ? Set.of(commandOf(rule).get()) : Set.of();
        }
        if (rule.has("And")) {
            Set<String> all = new HashSet<>(commands);
            rule.path("And").forEach(r -> all.retainAll(matchable(r, commands)));
            return all;
        }
        if (rule.has("Or")) {
            Set<String> any = new HashSet<>();
            rule.path("Or").forEach(r -> any.addAll(matchable(r, commands)));
            return any;
        }
        if (rule.has("Not") && commandOf(rule.path("Not")).isPresent()) {
            Set<String> others = new HashSet<>(commands);
            others.remove(commandOf(rule.path("Not")).get());
            return others;
        }
        return commands;
    }

    private static boolean ends(String name) {
        String type = states.path(name).path("Type").asText();
        return type.equals("Succeed") || type.equals("Fail") || states.path(name).path("End").asBoolean(false);
    }

    private static String action(String name) {
        return states.path(name).path("Parameters").path("action").asText("");
    }

    /**
     * The edges {@code from → end} by which a walk from {@code start} with {@code commands}, never entering
     * a state {@code stop} accepts, reaches an end.
     */
    private static Set<String> endsReached(String start, Set<String> commands, Predicate<String> stop) {
        return endsReached(new At(start, commands), stop);
    }

    private static Set<String> endsReached(At start, Predicate<String> stop) {
        Set<At> seen = new HashSet<>();
        Set<String> reached = new LinkedHashSet<>();
        Deque<At> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            At at = todo.pop();
            if (!seen.add(at)) {
                continue;
            }
            for (At to : next(at)) {
                assertThat(states.has(to.state())).as(at.state() + " goes to a state that exists: " + to.state()).isTrue();
                if (stop.test(to.state())) {
                    continue;
                }
                if (ends(to.state())) {
                    reached.add(at.state() + " → " + to.state());
                } else {
                    todo.push(to);
                }
            }
        }
        return reached;
    }

    @Test
    void everyPathOnWhichARunReportedRunningReportsItsFinalStatus() {
        List<String> running = new ArrayList<>();
        states.fieldNames().forEachRemaining(n -> {
            if (action(n).equals("report-running")) {
                running.add(n);
            }
        });
        Set<String> finals = Set.of("report-result", "end-stopped");
        assertThat(running).containsExactly("ReportRunning");

        // the commands whose runs report "running": everything that starts the agent
        Set<String> unreported = endsReached(new At("ReportRunning", Set.of("run", "auto", "followup", "rerun"), false),
                n -> finals.contains(action(n)));

        assertThat(unreported).as("ends a run can reach after 'running' without a final status").isEmpty();
    }

    @Test
    void noStepAfterRunningCanEndTheExecutionWithoutItsFinalStatus() {
        // an error a state does not catch ends the execution there, past every edge the walk above follows
        Set<String> finals = Set.of("report-result", "end-stopped");
        Set<String> reached = new LinkedHashSet<>();
        Deque<At> todo = new ArrayDeque<>(List.of(new At("ReportRunning", Set.of("run", "auto", "followup", "rerun"), false)));
        Set<At> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            At at = todo.pop();
            if (!seen.add(at) || finals.contains(action(at.state()))) {
                continue;
            }
            reached.add(at.state());
            next(at).forEach(todo::push);
        }
        List<String> uncaught = reached.stream().filter(n -> List.of("Task", "Map").contains(states.path(n).path("Type").asText()))
                .filter(n -> {
                    for (JsonNode c : states.path(n).path("Catch")) {
                        for (JsonNode e : c.path("ErrorEquals")) {
                            if (e.asText().equals("States.ALL")) {
                                return false;
                            }
                        }
                    }
                    return true;
                }).toList();

        assertThat(reached).contains("PollConversation", "ClaimFinalWord", "Reply", "StopEach");
        assertThat(uncaught).as("tasks after 'running' that an error could end the execution at").isEmpty();
    }

    @Test
    void aFinalStatusThatCannotBeSetRaisesTheAlarm() {
        for (String name : List.of("ReportResult", "EndStopped", "ReportSkip")) {
            JsonNode s = states.path(name);
            assertThat(s.path("Catch")).as(name).allSatisfy(c ->
                    assertThat(states.path(c.path("Next").asText()).path("Type").asText()).as(name + " catch").isEqualTo("Fail"));
        }
    }

    @Test
    void everyAcceptedCommandEndsInAReplyOrAnAlarmExceptWhereSilenceIsTheAnswer() {
        Set<String> replies = Set.of("answer", "answer-status", "answer-cancel", "plan-followup", "reject-busy", "reply",
                "reply-in-new-comment", "end-stopped", "lost-reply");

        Set<String> silent = endsReached("Acknowledge", COMMANDS,
                n -> replies.contains(action(n)) || states.path(n).path("Type").asText().equals("Fail"));

        assertThat(silent).as("the ends reached without a reply: each is silent on purpose").containsExactlyInAnyOrder(
                "WhatWasAsked → Done",    // an untrusted commenter: a 😕 reaction, and nothing else
                "AfterStopping → Done",   // new commits (cancel-on-push): nobody asked, the stopped runs' comments say it
                "ClaimAutoRun → Done",    // a deployment older than the PR's newest automatic run: nobody asked
                "SupersedesARun → Done",  // an automatic run its skip rules left out: its status "Skipped: …" is its word
                "MarkSkipped → Done",     // … unless a cancel stopped it first: then it never reported anything
                "ClaimReadyRun → Done",   // a draft marked ready whose deployment's run was not skipped: it had its run
                "ReportMergeQueue → Done");   // a merge queue asked for a status, and got it
    }

    @Test
    void everyConditionalClaimAcceptsItsOwnEarlierWrite() {
        // a write that succeeded but whose answer was lost is retried: the retry must pass, not end the run in silence
        assertThat(condition(states.path("ClaimFinalWord"))).contains(":replied");
        assertThat(condition(states.path("RecordStarting"))).contains(":starting");
        assertThat(condition(states.path("RecordRun"))).contains(":running");
        assertThat(condition(states.path("ClaimAutoRun"))).contains("autoRun = :me");
        JsonNode mark = states.path("StopEach").path("ItemProcessor").path("States").path("MarkStopped");
        assertThat(condition(mark)).contains("#st = :as");
        assertThat(mark.path("Parameters").path("ReturnValues").asText()).isEqualTo("UPDATED_OLD");
    }

    @Test
    void noStateLoadsTheWholeLedgerToRegisterARun() {
        assertThat(states.path("LoadRunIndex").path("Parameters").path("ProjectionExpression").asText()).isEqualTo("recent");
        assertThat(states.path("LoadOwnState").path("Parameters").path("ProjectionExpression").asText()).isEqualTo("#st, autoSha");
    }

    private static String condition(JsonNode state) {
        return state.path("Parameters").path("ConditionExpression").asText();
    }
}
