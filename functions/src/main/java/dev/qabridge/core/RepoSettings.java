package dev.qabridge.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One repository's settings file ({@code .github/qa-bridge.yml} or {@code .gitlab/qa-bridge.yml},
 * read from the default branch). Every field is optional: an absent one keeps the bridge's setting
 * (see {@link Settings#with(RepoSettings)}). The schema is in the README.
 */
public record RepoSettings(
        Optional<String> applicationId,
        Optional<String> projectId,
        Optional<String> urlTemplate,
        Optional<Boolean> vercel,
        Optional<List<String>> autoRunEnvironments,
        Optional<String> autoRunMessage,
        Optional<Set<String>> associations,
        Optional<Integer> minAccessLevel,
        Optional<Boolean> forks,
        Optional<Settings.NoVerdict> onNoVerdict,
        Optional<Settings.Concurrency> concurrency,
        Optional<Boolean> cancelOnPush,
        Optional<List<String>> vercelHosts,
        Optional<MergeQueue.Mode> mergeQueue,
        Optional<String> testPlan,
        Optional<String> autoRunTestPlan,
        Optional<Settings.AgentMiss> onAgentMiss,
        Optional<Settings.AutoRunMode> autoRunMode,
        Optional<Settings.ReviewMode> reviewMode,
        Skips skips,
        Optional<Settings.OnSkip> onSkip) {

    /** The file's skip rules for automatic runs ({@code autoRun.skipDrafts}, …), each laid over the bridge's when set. */
    public record Skips(Optional<Boolean> drafts, Optional<Boolean> bots, Optional<List<String>> labels, Optional<List<String>> paths,
                        Optional<List<String>> ignorePaths, Optional<List<String>> branches) {
        public static final Skips NONE = new Skips(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());

        public Settings.Skip over(Settings.Skip base) {
            return new Settings.Skip(drafts.orElse(base.drafts()), bots.orElse(base.bots()), labels.orElse(base.labels()),
                    paths.orElse(base.paths()), ignorePaths.orElse(base.ignorePaths()), branches.orElse(base.branches()));
        }
    }

    /** No file, or an empty one: the bridge's settings as they are. */
    public static final RepoSettings NONE = new RepoSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Skips.NONE, Optional.empty());

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> ASSOCIATIONS = Set.of("OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIMER",
            "FIRST_TIME_CONTRIBUTOR", "MANNEQUIN", "NONE");
    private static final Set<Integer> ACCESS_LEVELS = Set.of(5, 10, 15, 20, 30, 40, 50);
    private static final Map<String, Set<String>> KEYS = Map.of(
            "qatech", Set.of("applicationId", "projectId", "testPlan"),
            "preview", Set.of("urlTemplate", "vercel", "vercelHosts"),
            "autoRun", Set.of("environments", "message", "forks", "testPlan", "mode", "skipDrafts", "skipBots", "skipLabels", "paths",
                    "ignorePaths", "branches"),
            "review", Set.of("mode"),
            "trusted", Set.of("associations", "minAccessLevel"),
            "status", Set.of("onNoVerdict", "onAgentMiss", "onSkip"),
            "commands", Set.of("concurrency", "cancelOnPush"),
            "mergeQueue", Set.of("mode"));

    /** The file read: its settings, or the first problem found in it (then the bridge's settings apply). */
    public sealed interface Parsed permits Valid, Problem {}

    public record Valid(RepoSettings settings) implements Parsed {}

    /** What is wrong, naming the key and, where known, the line. */
    public record Problem(String message) implements Parsed {}

    private static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    public static Parsed parse(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            return new Problem("the file is not valid YAML" + (at != null && at.getLineNr() > 0 ? " (line " + at.getLineNr() + ")" : "")
                    + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new Valid(NONE);
        }
        try {
            return new Valid(read(root, text));
        } catch (Invalid e) {
            return new Problem(e.getMessage());
        }
    }

    private static RepoSettings read(JsonNode root, String text) {
        if (!root.isObject()) {
            throw new Invalid("the file must be a mapping of sections (qatech, preview, autoRun, review, trusted, status, commands, mergeQueue), "
                    + "not a " + kind(root));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String section = it.next();
            if (!KEYS.containsKey(section)) {
                throw new Invalid("unknown key `" + section + "`" + line(text, section, 0) + ": expected one of " + sorted(KEYS.keySet()));
            }
            JsonNode node = root.get(section);
            if (!node.isObject()) {
                throw new Invalid("`" + section + "`" + line(text, section, 0) + " must be a mapping, not a " + kind(node));
            }
            for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!KEYS.get(section).contains(key)) {
                    throw new Invalid("unknown key `" + section + "." + key + "`" + line(text, key, lineOf(text, section, 0))
                            + ": expected one of " + sorted(KEYS.get(section)));
                }
            }
        }
        Optional<String> applicationId = string(root, text, "qatech", "applicationId");
        applicationId.filter(id -> !QaTechIds.isApplication(id)).ifPresent(id -> {
            throw new Invalid("`qatech.applicationId`" + at(text, "qatech", "applicationId") + " is '" + id
                    + "', not a QA.tech application short id (" + QaTechIds.APPLICATION_FORM + ")");
        });
        Optional<String> projectId = string(root, text, "qatech", "projectId");
        projectId.filter(id -> !QaTechIds.isProject(id)).ifPresent(id -> {
            throw new Invalid("`qatech.projectId`" + at(text, "qatech", "projectId") + " is '" + id
                    + "', not a QA.tech project short id (" + QaTechIds.PROJECT_FORM + ")");
        });
        Optional<String> testPlan = testPlan(root, text, "qatech");
        Optional<String> autoRunTestPlan = testPlan(root, text, "autoRun");
        Optional<Settings.AgentMiss> onAgentMiss = string(root, text, "status", "onAgentMiss").map(v -> {
            try {
                return Settings.agentMiss("status.onAgentMiss", v);
            } catch (IllegalStateException e) {
                throw new Invalid("`status.onAgentMiss`" + at(text, "status", "onAgentMiss") + " must be error or failure, got '" + v + "'");
            }
        });
        Optional<Settings.AutoRunMode> autoRunMode = string(root, text, "autoRun", "mode").map(v -> {
            try {
                return Settings.autoRunMode("autoRun.mode", v);
            } catch (IllegalStateException e) {
                throw new Invalid("`autoRun.mode`" + at(text, "autoRun", "mode") + " must be chat or review, got '" + v + "'");
            }
        });
        Optional<Settings.ReviewMode> reviewMode = string(root, text, "review", "mode").map(v -> {
            try {
                return Settings.reviewMode("review.mode", v);
            } catch (IllegalStateException e) {
                throw new Invalid("`review.mode`" + at(text, "review", "mode") + " must be rawChanges or pr, got '" + v + "'");
            }
        });
        Optional<String> template = string(root, text, "preview", "urlTemplate");
        template.filter(t -> !CommandParser.isHttpUrl(t.replaceAll("\\{[a-z]+}", "x"))).ifPresent(t -> {
            throw new Invalid("`preview.urlTemplate`" + at(text, "preview", "urlTemplate") + " must be an http(s) URL, got '" + t + "'");
        });
        Optional<Boolean> vercel = bool(root, text, "preview", "vercel");
        Optional<List<String>> vercelHosts = strings(root, text, "preview", "vercelHosts");
        vercelHosts.ifPresent(globs -> globs.stream().filter(g -> g.length() > Globs.MAX_PATTERN).findFirst().ifPresent(g -> {
            throw new Invalid("`preview.vercelHosts`" + at(text, "preview", "vercelHosts") + " has a pattern longer than "
                    + Globs.MAX_PATTERN + " characters");
        }));
        Optional<List<String>> environments = strings(root, text, "autoRun", "environments");
        environments.ifPresent(globs -> globs.stream().filter(g -> g.length() > Globs.MAX_PATTERN).findFirst().ifPresent(g -> {
            throw new Invalid("`autoRun.environments`" + at(text, "autoRun", "environments") + " has a pattern longer than "
                    + Globs.MAX_PATTERN + " characters");
        }));
        Optional<Boolean> forks = bool(root, text, "autoRun", "forks");
        Optional<Settings.NoVerdict> onNoVerdict = string(root, text, "status", "onNoVerdict").map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "error" -> Settings.NoVerdict.ERROR;
            case "success" -> Settings.NoVerdict.SUCCESS;
            default -> throw new Invalid("`status.onNoVerdict`" + at(text, "status", "onNoVerdict") + " must be error or success, got '"
                    + v + "'");
        });
        Optional<String> message = string(root, text, "autoRun", "message");
        message.filter(String::isBlank).ifPresent(m -> {
            throw new Invalid("`autoRun.message`" + at(text, "autoRun", "message") + " must not be empty");
        });
        Optional<Set<String>> associations = strings(root, text, "trusted", "associations").map(list -> {
            Set<String> upper = new LinkedHashSet<>();
            for (String a : list) {
                String u = a.toUpperCase(Locale.ROOT);
                if (!ASSOCIATIONS.contains(u)) {
                    throw new Invalid("`trusted.associations`" + at(text, "trusted", "associations") + " has '" + a
                            + "', not a GitHub author association (" + sorted(ASSOCIATIONS) + ")");
                }
                upper.add(u);
            }
            if (upper.isEmpty()) {
                throw new Invalid("`trusted.associations`" + at(text, "trusted", "associations") + " is empty: nobody could run commands");
            }
            return Set.copyOf(upper);
        });
        Optional<Integer> minAccessLevel = field(root, "trusted", "minAccessLevel").map(v -> {
            if (!v.isInt() || !ACCESS_LEVELS.contains(v.intValue())) {
                throw new Invalid("`trusted.minAccessLevel`" + at(text, "trusted", "minAccessLevel")
                        + " must be a GitLab access level (5, 10, 15, 20, 30, 40 or 50), got " + v);
            }
            return v.intValue();
        });
        Optional<Settings.Concurrency> concurrency = string(root, text, "commands", "concurrency").map(v -> {
            try {
                return Settings.concurrency("commands.concurrency", v);
            } catch (IllegalStateException e) {
                throw new Invalid("`commands.concurrency`" + at(text, "commands", "concurrency") + " must be reject, queue or parallel, got '"
                        + v + "'");
            }
        });
        Optional<Boolean> cancelOnPush = bool(root, text, "commands", "cancelOnPush");
        Optional<MergeQueue.Mode> mergeQueue = field(root, "mergeQueue", "mode").map(v -> {
            // YAML reads an unquoted off (like no and false) as the boolean false
            if (v.isBoolean() && !v.booleanValue()) {
                return MergeQueue.Mode.OFF;
            }
            try {
                return MergeQueue.mode("mergeQueue.mode", v.isTextual() ? v.asText() : "");
            } catch (IllegalStateException e) {
                throw new Invalid("`mergeQueue.mode`" + at(text, "mergeQueue", "mode") + " must be mirror, pass or off, got '" + v.asText()
                        + "'");
            }
        });
        Skips skips = new Skips(bool(root, text, "autoRun", "skipDrafts"), bool(root, text, "autoRun", "skipBots"),
                skipList(root, text, "skipLabels"), skipList(root, text, "paths"), skipList(root, text, "ignorePaths"),
                skipList(root, text, "branches"));
        Optional<Settings.OnSkip> onSkip = string(root, text, "status", "onSkip").map(v -> {
            try {
                return Settings.onSkip("status.onSkip", v);
            } catch (IllegalStateException e) {
                throw new Invalid("`status.onSkip`" + at(text, "status", "onSkip") + " must be success or none, got '" + v + "'");
            }
        });
        return new RepoSettings(applicationId, projectId, template, vercel, environments, message, associations, minAccessLevel, forks,
                onNoVerdict, concurrency, cancelOnPush, vercelHosts, mergeQueue, testPlan, autoRunTestPlan, onAgentMiss,
                autoRunMode, reviewMode, skips, onSkip);
    }

    /** One of {@code autoRun}'s skip lists: at most {@link Settings#MAX_SKIP_PATTERNS} entries of at most {@link PathGlob#MAX_PATTERN} characters. */
    private static Optional<List<String>> skipList(JsonNode root, String text, String key) {
        Optional<List<String>> list = strings(root, text, "autoRun", key);
        list.filter(l -> l.size() > Settings.MAX_SKIP_PATTERNS || l.stream().anyMatch(g -> g.length() > PathGlob.MAX_PATTERN)).ifPresent(l -> {
            throw new Invalid("`autoRun." + key + "`" + at(text, "autoRun", key) + " takes at most " + Settings.MAX_SKIP_PATTERNS
                    + " entries of at most " + PathGlob.MAX_PATTERN + " characters (it has " + l.size() + ")");
        });
        return list;
    }

    private static Optional<String> testPlan(JsonNode root, String text, String section) {
        Optional<String> plan = string(root, text, section, "testPlan");
        plan.filter(id -> !QaTechIds.isTestPlan(id)).ifPresent(id -> {
            throw new Invalid("`" + section + ".testPlan`" + at(text, section, "testPlan") + " is '" + id
                    + "', not a QA.tech test plan short id (" + QaTechIds.TEST_PLAN_FORM + ")");
        });
        return plan;
    }

    private static Optional<Boolean> bool(JsonNode root, String text, String section, String key) {
        return field(root, section, key).map(v -> {
            if (!v.isBoolean()) {
                throw new Invalid("`" + section + "." + key + "`" + at(text, section, key) + " must be true or false, not a " + kind(v));
            }
            return v.booleanValue();
        });
    }

    private static Optional<JsonNode> field(JsonNode root, String section, String key) {
        JsonNode v = root.path(section).path(key);
        return v.isMissingNode() || v.isNull() ? Optional.empty() : Optional.of(v);
    }

    private static Optional<String> string(JsonNode root, String text, String section, String key) {
        return field(root, section, key).map(v -> {
            if (!v.isTextual()) {
                throw new Invalid("`" + section + "." + key + "`" + at(text, section, key) + " must be a string, not a " + kind(v));
            }
            return v.asText().trim();
        });
    }

    private static Optional<List<String>> strings(JsonNode root, String text, String section, String key) {
        return field(root, section, key).map(v -> {
            if (!v.isArray()) {
                throw new Invalid("`" + section + "." + key + "`" + at(text, section, key) + " must be a list of strings, not a " + kind(v));
            }
            List<String> out = new ArrayList<>();
            for (JsonNode item : v) {
                if (!item.isTextual() || item.asText().isBlank()) {
                    throw new Invalid("`" + section + "." + key + "`" + at(text, section, key) + " must be a list of strings, but has " + item);
                }
                out.add(item.asText().trim());
            }
            return List.copyOf(out);
        });
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "list";
            case OBJECT -> "mapping";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case STRING -> "string";
            default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String at(String text, String section, String key) {
        return line(text, key, lineOf(text, section, 0));
    }

    private static String line(String text, String key, int after) {
        int n = lineOf(text, key, after);
        return n > 0 ? " (line " + n + ")" : "";
    }

    /** The 1-based line where {@code key:} is first written after line {@code after}; 0 when not found (flow style). */
    private static int lineOf(String text, String key, int after) {
        Pattern p = Pattern.compile("^\\s*(-\\s+)?[\"']?" + Pattern.quote(key) + "[\"']?\\s*:");
        List<String> lines = text.lines().toList();
        for (int i = Math.max(0, after); i < lines.size(); i++) {
            if (p.matcher(lines.get(i)).find()) {
                return i + 1;
            }
        }
        return 0;
    }

    private static String sorted(Set<String> names) {
        return String.join(", ", names.stream().sorted().toList());
    }
}
