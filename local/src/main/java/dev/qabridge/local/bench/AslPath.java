package dev.qabridge.local.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The states one run enters, read from the state machine definition: walked from {@code StartAt} with a
 * real run's state documents deciding each Choice, as Step Functions would. With the document of a run
 * that is still waiting the walk comes round to a state it has seen: that cycle is the wait loop, which
 * must contain the poll task; with the document of a run whose agent is done it leaves the loop and runs
 * to the end. A run whose poll task ran {@code n} times then enters
 * {@code before + (n - 1) * loop + lastLoop + after} states, each one billed as a state transition.
 *
 * <p>Choices are evaluated for JSONPath {@code Variable} rules with the comparison operators Step Functions
 * documents for strings, numbers, booleans and presence, and {@code And}/{@code Or}/{@code Not}; any other
 * rule (JSONata {@code Condition}, timestamps) is refused by name rather than guessed.
 */
record AslPath(List<String> before, List<String> loop, List<String> lastLoop, List<String> after, String pollTask,
               List<String> lambdaTasksBefore, List<String> lambdaTasksAfter, List<String> serviceTasks) {

    /** States entered by a run whose poll task ran {@code pollInvocations} times. */
    long transitions(long pollInvocations) {
        return before.size() + (pollInvocations - 1) * loop.size() + lastLoop.size() + after.size();
    }

    /** The first Lambda task after the loop: the one that writes the reply. */
    String replyTask() {
        if (lambdaTasksAfter.isEmpty()) {
            throw new IllegalStateException("no Lambda task after the wait loop: where is the reply?");
        }
        return lambdaTasksAfter.get(0);
    }

    /**
     * {@code definition}: the ASL document; {@code pollFunction}: what the poll task's resource names (e.g.
     * {@code PollerFunctionArn}); {@code waiting} and {@code done}: a run's state documents while it waits
     * and once the agent is done.
     */
    static AslPath walk(JsonNode definition, String pollFunction, JsonNode waiting, JsonNode done) {
        JsonNode states = definition.path("States");
        List<String> first = new ArrayList<>();
        String repeated = walk(states, definition.path("StartAt").asText(), waiting, first, true);
        if (repeated == null) {
            throw new IllegalStateException("walked from " + definition.path("StartAt").asText() + " to the end without a loop: "
                    + first + " (is the 'waiting' document one of a run that is still waiting?)");
        }
        int start = first.indexOf(repeated);
        List<String> before = List.copyOf(first.subList(0, start));
        List<String> loop = List.copyOf(first.subList(start, first.size()));
        String pollTask = loop.stream().filter(s -> isTaskOn(states.path(s), pollFunction)).findFirst().orElseThrow(() ->
                new IllegalStateException("the loop " + loop + " has no task on " + pollFunction));
        List<String> rest = new ArrayList<>();
        if (walk(states, repeated, done, rest, false) != null) {
            throw new IllegalStateException("the 'done' document does not leave the loop " + loop);
        }
        int leave = 0;
        while (leave < rest.size() && leave < loop.size() && rest.get(leave).equals(loop.get(leave))) {
            leave++;
        }
        List<String> lastLoop = List.copyOf(rest.subList(0, leave));
        List<String> after = List.copyOf(rest.subList(leave, rest.size()));
        return new AslPath(before, loop, lastLoop, after, pollTask, lambdaTasks(states, before, pollFunction),
                lambdaTasks(states, after, pollFunction), serviceTasks(states, before, after));
    }

    /** Follows the path from {@code from}, appending each state; returns the first state seen twice (when asked to stop there), else null. */
    private static String walk(JsonNode states, String from, JsonNode doc, List<String> into, boolean stopAtRepeat) {
        Set<String> seen = new HashSet<>();
        String name = from;
        while (name != null) {
            if (stopAtRepeat && !seen.add(name)) {
                return name;
            }
            if (into.size() > 10_000) {
                throw new IllegalStateException("the walk does not end: " + into.subList(0, 50));
            }
            JsonNode state = states.path(name);
            if (state.isMissingNode()) {
                throw new IllegalStateException("no state named " + name);
            }
            into.add(name);
            name = switch (state.path("Type").asText()) {
                case "Succeed", "Fail" -> null;
                case "Choice" -> choose(name, state, doc);
                default -> state.path("End").asBoolean(false) ? null : state.path("Next").asText(null);
            };
        }
        return null;
    }

    private static String choose(String name, JsonNode choice, JsonNode doc) {
        for (JsonNode rule : choice.path("Choices")) {
            if (matches(name, rule, doc)) {
                return rule.path("Next").asText();
            }
        }
        if (!choice.has("Default")) {
            throw new IllegalStateException("Choice " + name + " matched no rule and has no Default (States.NoChoiceMatched)");
        }
        return choice.path("Default").asText();
    }

    private static boolean matches(String state, JsonNode rule, JsonNode doc) {
        if (rule.has("And")) {
            for (JsonNode r : rule.path("And")) {
                if (!matches(state, r, doc)) {
                    return false;
                }
            }
            return true;
        }
        if (rule.has("Or")) {
            for (JsonNode r : rule.path("Or")) {
                if (matches(state, r, doc)) {
                    return true;
                }
            }
            return false;
        }
        if (rule.has("Not")) {
            return !matches(state, rule.path("Not"), doc);
        }
        if (!rule.has("Variable")) {
            throw new IllegalStateException("Choice " + state + ": only JSONPath Variable rules are evaluated here, not " + rule);
        }
        JsonNode value = at(doc, rule.path("Variable").asText());
        for (var it = rule.fields(); it.hasNext(); ) {
            var op = it.next();
            String operator = op.getKey();
            if (operator.equals("Variable") || operator.equals("Next") || operator.equals("Comment")) {
                continue;
            }
            JsonNode operand = operator.endsWith("Path") && !operator.equals("IsPresent") ? at(doc, op.getValue().asText()) : op.getValue();
            String base = operator.endsWith("Path") ? operator.substring(0, operator.length() - 4) : operator;
            return switch (base) {
                case "IsPresent" -> !value.isMissingNode() == operand.asBoolean();
                case "IsNull" -> value.isNull() == operand.asBoolean();
                case "IsString" -> value.isTextual() == operand.asBoolean();
                case "IsNumeric" -> value.isNumber() == operand.asBoolean();
                case "IsBoolean" -> value.isBoolean() == operand.asBoolean();
                case "StringEquals" -> value.isTextual() && value.asText().equals(operand.asText());
                case "StringMatches" -> value.isTextual() && glob(operand.asText()).matcher(value.asText()).matches();
                case "StringLessThan" -> value.isTextual() && value.asText().compareTo(operand.asText()) < 0;
                case "StringGreaterThan" -> value.isTextual() && value.asText().compareTo(operand.asText()) > 0;
                case "StringLessThanEquals" -> value.isTextual() && value.asText().compareTo(operand.asText()) <= 0;
                case "StringGreaterThanEquals" -> value.isTextual() && value.asText().compareTo(operand.asText()) >= 0;
                case "NumericEquals" -> value.isNumber() && value.asDouble() == operand.asDouble();
                case "NumericLessThan" -> value.isNumber() && value.asDouble() < operand.asDouble();
                case "NumericGreaterThan" -> value.isNumber() && value.asDouble() > operand.asDouble();
                case "NumericLessThanEquals" -> value.isNumber() && value.asDouble() <= operand.asDouble();
                case "NumericGreaterThanEquals" -> value.isNumber() && value.asDouble() >= operand.asDouble();
                case "BooleanEquals" -> value.isBoolean() && value.asBoolean() == operand.asBoolean();
                default -> throw new IllegalStateException("Choice " + state + ": operator " + operator + " is not evaluated here");
            };
        }
        throw new IllegalStateException("Choice " + state + ": a rule without an operator: " + rule);
    }

    private static final Pattern STEP = Pattern.compile("\\.([^.\\[]+)|\\[(\\d+)]");

    /** A JSONPath of field names and indexes ({@code $.a.b[0].c}); missing when any step is absent. */
    static JsonNode at(JsonNode doc, String path) {
        if (!path.startsWith("$") || path.startsWith("$$")) {
            throw new IllegalStateException("only paths into the state ($.…) are evaluated here, not " + path);
        }
        JsonNode node = doc;
        Matcher m = STEP.matcher(path.substring(1));
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalStateException("unsupported JSONPath " + path);
            }
            node = m.group(1) != null ? node.path(m.group(1)) : node.path(Integer.parseInt(m.group(2)));
            end = m.end();
        }
        if (end != path.length() - 1) {
            throw new IllegalStateException("unsupported JSONPath " + path);
        }
        return node;
    }

    private static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (String part : pattern.split("(?<!\\\\)\\*", -1)) {
            if (!re.isEmpty()) {
                re.append(".*");
            }
            re.append(Pattern.quote(part.replace("\\*", "*")));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    private static boolean isTaskOn(JsonNode state, String function) {
        return state.path("Type").asText().equals("Task")
                && (state.path("Resource").asText().contains(function) || state.path("Parameters").path("FunctionName").asText().contains(function)
                || state.path("Arguments").path("FunctionName").asText().contains(function));
    }

    /** The Task states among {@code names} that invoke a Lambda function other than the poller. */
    private static List<String> lambdaTasks(JsonNode states, List<String> names, String pollFunction) {
        return names.stream().filter(n -> {
            JsonNode s = states.path(n);
            String resource = s.path("Resource").asText();
            return s.path("Type").asText().equals("Task") && !isTaskOn(s, pollFunction)
                    && (resource.contains("FunctionArn") || resource.contains(":lambda:") || resource.contains(":function:"));
        }).toList();
    }

    /** The Task states on the path that call another AWS service directly (e.g. DynamoDB's optimized integration). */
    private static List<String> serviceTasks(JsonNode states, List<String> before, List<String> after) {
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        return all.stream().filter(n -> states.path(n).path("Resource").asText().startsWith("arn:aws:states:::")
                && !states.path(n).path("Resource").asText().startsWith("arn:aws:states:::lambda:")).toList();
    }
}
