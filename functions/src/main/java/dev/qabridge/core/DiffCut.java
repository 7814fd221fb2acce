package dev.qabridge.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PR's unified diff cut to what a change review sends: whole files only, binary files left out (their
 * bytes tell the agent nothing), at most {@code maxBytes} of UTF-8; the files left out are named in a note.
 * Linear in the diff's length.
 */
public final class DiffCut {
    private static final Pattern FILE = Pattern.compile("^diff --git a/(.*?) b/(.*)$");
    /** At most this many names in the note; the rest are counted. */
    static final int NOTE_NAMES = 50;

    private DiffCut() {}

    /** The kept diff, and the files left out (for size, or as binary). */
    public record Cut(String diff, List<String> leftOut, List<String> binary) {
        /** A note naming what was left out ("" when nothing was). */
        public String note() {
            if (leftOut.isEmpty() && binary.isEmpty()) {
                return "";
            }
            StringBuilder b = new StringBuilder();
            if (!leftOut.isEmpty()) {
                b.append("The diff was cut to fit: ").append(leftOut.size()).append(leftOut.size() == 1 ? " file was" : " files were")
                        .append(" left out: ").append(names(leftOut)).append(".");
            }
            if (!binary.isEmpty()) {
                b.append(b.isEmpty() ? "" : " ").append(binary.size()).append(binary.size() == 1 ? " binary file was" : " binary files were")
                        .append(" left out: ").append(names(binary)).append(".");
            }
            return b.toString();
        }

        private static String names(List<String> files) {
            List<String> shown = files.subList(0, Math.min(files.size(), NOTE_NAMES));
            return String.join(", ", shown.stream().map(f -> Strings.clip(f, 120)).toList())
                    + (files.size() > shown.size() ? " and " + (files.size() - shown.size()) + " more" : "");
        }
    }

    public static Cut cut(String diff, int maxBytes) {
        List<String> kept = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        List<String> binary = new ArrayList<>();
        int used = 0;
        for (FilePart part : parts(diff)) {
            if (part.binary()) {
                binary.add(part.name());
                continue;
            }
            int size = part.text().getBytes(StandardCharsets.UTF_8).length;
            if (used + size > maxBytes) {
                leftOut.add(part.name());
                continue;   // a smaller file further on may still fit
            }
            kept.add(part.text());
            used += size;
        }
        return new Cut(String.join("", kept), List.copyOf(leftOut), List.copyOf(binary));
    }

    private record FilePart(String name, String text, boolean binary) {}

    /** The diff split at its {@code diff --git} lines; text before the first one is dropped. */
    private static List<FilePart> parts(String diff) {
        List<FilePart> parts = new ArrayList<>();
        int start = -1;
        String name = "";
        boolean binary = false;
        int i = 0;
        while (i < diff.length()) {
            int eol = diff.indexOf('\n', i);
            int end = eol < 0 ? diff.length() : eol + 1;
            String line = diff.substring(i, eol < 0 ? diff.length() : eol);
            if (line.startsWith("diff --git ")) {
                if (start >= 0) {
                    parts.add(new FilePart(name, diff.substring(start, i), binary));
                }
                Matcher m = FILE.matcher(line);
                name = m.matches() ? m.group(2) : line.substring("diff --git ".length());
                start = i;
                binary = false;
            } else if (start >= 0 && !binary && (line.startsWith("Binary files ") || line.equals("GIT binary patch"))) {
                binary = true;
            }
            i = end;
        }
        if (start >= 0) {
            parts.add(new FilePart(name, diff.substring(start), binary));
        }
        return parts;
    }
}
