package dev.qabridge.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A file-path (or branch-name) glob as {@code autoRun.paths}, {@code autoRun.ignorePaths} and {@code autoRun.branches} write
 * them, with GitHub Actions' filter words: {@code *} matches any run of characters but {@code /}, {@code **} any run
 * including {@code /}, {@code **}{@code /} zero or more whole directories (so {@code **}{@code /*.md} matches {@code README.md}),
 * {@code ?} one character but {@code /}; everything else itself, case-sensitively (as Git's paths are).
 *
 * <p>Matching simulates the pattern as a set of positions (a Thompson NFA) one character of the path at a time: at most
 * pattern × path steps, never backtracking, so a pattern written to be slow ({@code *a*a*a*a*a*b}) costs what any
 * pattern of its length does. Patterns are at most {@link #MAX_PATTERN} characters; a path longer than {@link #MAX_PATH}
 * matches nothing.
 */
public final class PathGlob {
    public static final int MAX_PATTERN = 200;
    /** Longer paths never match (Git hosts refuse paths this long anyway). */
    public static final int MAX_PATH = 4_096;

    /** FORK: the start of {@code **}{@code /}, which goes on either into {@code ANY '/'} or past both. */
    private enum Kind { LITERAL, ONE, STAR, ANY, FORK }

    private final String pattern;
    private final Kind[] kinds;
    private final char[] chars;

    private PathGlob(String pattern, Kind[] kinds, char[] chars) {
        this.pattern = pattern;
        this.kinds = kinds;
        this.chars = chars;
    }

    /** The glob as written; a longer one than {@link #MAX_PATTERN} is refused (settings are validated against it). */
    public static PathGlob of(String pattern) {
        if (pattern.length() > MAX_PATTERN) {
            throw new IllegalArgumentException("a path pattern is at most " + MAX_PATTERN + " characters");
        }
        List<Kind> kinds = new ArrayList<>();
        StringBuilder chars = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                int end = i + 2;
                while (end < pattern.length() && pattern.charAt(end) == '*') {
                    end++;   // *** is **
                }
                boolean wholeDirs = (i == 0 || pattern.charAt(i - 1) == '/') && end < pattern.length() && pattern.charAt(end) == '/';
                if (wholeDirs) {
                    kinds.addAll(List.of(Kind.FORK, Kind.ANY, Kind.LITERAL));
                    chars.append("\0\0/");
                    i = end;   // the slash is the LITERAL
                } else {
                    kinds.add(Kind.ANY);
                    chars.append('\0');
                    i = end - 1;
                }
            } else {
                kinds.add(c == '*' ? Kind.STAR : c == '?' ? Kind.ONE : Kind.LITERAL);
                chars.append(c);
            }
        }
        return new PathGlob(pattern, kinds.toArray(Kind[]::new), chars.toString().toCharArray());
    }

    public static List<PathGlob> all(List<String> patterns) {
        return patterns.stream().map(PathGlob::of).toList();
    }

    public static boolean anyMatches(List<PathGlob> globs, String path) {
        for (PathGlob g : globs) {
            if (g.matches(path)) {
                return true;
            }
        }
        return false;
    }

    public String pattern() {
        return pattern;
    }

    public boolean matches(String path) {
        if (path.length() > MAX_PATH) {
            return false;
        }
        int n = kinds.length;
        boolean[] at = new boolean[n + 1];
        boolean[] next = new boolean[n + 1];
        at[0] = true;
        close(at);
        for (int p = 0; p < path.length(); p++) {
            char c = path.charAt(p);
            java.util.Arrays.fill(next, false);
            boolean any = false;
            for (int i = 0; i < n; i++) {
                if (!at[i]) {
                    continue;
                }
                switch (kinds[i]) {
                    case LITERAL -> {
                        if (chars[i] == c) {
                            next[i + 1] = any = true;
                        }
                    }
                    case ONE -> {
                        if (c != '/') {
                            next[i + 1] = any = true;
                        }
                    }
                    case STAR -> {
                        if (c != '/') {
                            next[i] = any = true;
                        }
                    }
                    case ANY -> next[i] = any = true;
                    case FORK -> { }
                }
            }
            if (!any) {
                return false;
            }
            close(next);
            boolean[] swap = at;
            at = next;
            next = swap;
        }
        return at[n];
    }

    /** The positions reachable without a character (forward only, so one pass): past a star, into or past whole directories. */
    private void close(boolean[] set) {
        for (int i = 0; i < kinds.length; i++) {
            if (!set[i]) {
                continue;
            }
            switch (kinds[i]) {
                case STAR, ANY -> set[i + 1] = true;
                case FORK -> {
                    set[i + 1] = true;
                    set[i + 3] = true;
                }
                default -> { }
            }
        }
    }

    @Override
    public String toString() {
        return pattern;
    }
}
