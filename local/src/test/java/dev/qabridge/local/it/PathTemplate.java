package dev.qabridge.local.it;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAPI path template ({@code /repos/{owner}/{repo}/issues/{issue_number}/comments}) matched against
 * a request path's decoded segments. A parameter is one segment, except one GitHub marks
 * {@code x-multi-segment} (a branch, a file path, a ref), which takes one or more; a segment may also mix
 * text and parameters ({@code {base}...{head}}).
 */
record PathTemplate(String text, List<Segment> segments) {
    /** Which of two templates that both match a path is meant: more literal segments, then fewer multi-segment parameters. */
    static final Comparator<PathTemplate> SPECIFICITY = Comparator
            .comparingLong((PathTemplate t) -> t.segments.stream().filter(s -> s instanceof Literal).count())
            .thenComparingLong(t -> -t.segments.stream().filter(s -> s instanceof Multi).count());

    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

    sealed interface Segment permits Literal, Single, Multi, Mixed {}

    record Literal(String text) implements Segment {}

    record Single(String name) implements Segment {}

    record Multi(String name) implements Segment {}

    /** Text and parameters in one segment, as a regex with one group per parameter. */
    record Mixed(Pattern pattern, List<String> names) implements Segment {}

    static PathTemplate parse(String template, Set<String> multiSegment) {
        List<Segment> segments = new ArrayList<>();
        for (String s : template.substring(1).split("/", -1)) {
            Matcher whole = PARAM.matcher(s);
            if (whole.matches()) {
                String name = whole.group(1);
                segments.add(multiSegment.contains(name) ? new Multi(name) : new Single(name));
            } else if (s.contains("{")) {
                segments.add(mixed(s));
            } else {
                segments.add(new Literal(s));
            }
        }
        return new PathTemplate(template, List.copyOf(segments));
    }

    private static Mixed mixed(String segment) {
        StringBuilder regex = new StringBuilder();
        List<String> names = new ArrayList<>();
        Matcher m = PARAM.matcher(segment);
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(segment.substring(at, m.start()))).append("(.+?)");
            names.add(m.group(1));
            at = m.end();
        }
        regex.append(Pattern.quote(segment.substring(at)));
        return new Mixed(Pattern.compile(regex.toString()), List.copyOf(names));
    }

    /** The parameters' values when {@code path} (decoded segments) fits this template. */
    Optional<Map<String, String>> match(List<String> path) {
        Map<String, String> params = new LinkedHashMap<>();
        return match(0, path, 0, params) ? Optional.of(params) : Optional.empty();
    }

    private boolean match(int t, List<String> path, int p, Map<String, String> params) {
        if (t == segments.size()) {
            return p == path.size();
        }
        if (p == path.size()) {
            return false;
        }
        String segment = path.get(p);
        switch (segments.get(t)) {
            case Literal l -> {
                return l.text().equals(segment) && match(t + 1, path, p + 1, params);
            }
            case Single s -> {
                params.put(s.name(), segment);
                return !segment.isEmpty() && match(t + 1, path, p + 1, params);
            }
            case Mixed x -> {
                Matcher m = x.pattern().matcher(segment);
                if (!m.matches()) {
                    return false;
                }
                for (int i = 0; i < x.names().size(); i++) {
                    params.put(x.names().get(i), m.group(i + 1));
                }
                return match(t + 1, path, p + 1, params);
            }
            case Multi multi -> {
                // Longest first, so a ref such as "feature/x" keeps its slash when the rest still fits.
                int rest = segments.size() - t - 1;
                for (int end = path.size() - rest; end > p; end--) {
                    params.put(multi.name(), String.join("/", path.subList(p, end)));
                    if (match(t + 1, path, end, params)) {
                        return true;
                    }
                }
                return false;
            }
        }
    }
}
