package dev.qabridge.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class DiffCutTest {
    private static String file(String name, String body) {
        return "diff --git a/" + name + " b/" + name + "\n--- a/" + name + "\n+++ b/" + name + "\n@@ -1 +1 @@\n" + body;
    }

    @Test
    void aDiffWithinTheLimitIsSentWholeWithNoNote() {
        String diff = file("a.ts", "-x\n+y\n") + file("b.ts", "-p\n+q\n");

        DiffCut.Cut cut = DiffCut.cut(diff, 10_000);

        assertThat(cut.diff()).isEqualTo(diff);
        assertThat(cut.note()).isEmpty();
    }

    @Test
    void filesThatDoNotFitAreLeftOutWholeAndASmallerOneAfterThemStillGoes() {
        String a = file("a.ts", "+" + "a".repeat(500) + "\n");
        String b = file("b.ts", "+" + "b".repeat(800) + "\n");
        String c = file("c.ts", "+c\n");

        DiffCut.Cut cut = DiffCut.cut(a + b + c, 700);

        assertThat(cut.diff()).isEqualTo(a + c);
        assertThat(cut.leftOut()).containsExactly("b.ts");
        assertThat(cut.note()).isEqualTo("The diff was cut to fit: 1 file was left out: b.ts.");
    }

    @Test
    void binaryFilesAreLeftOutAndNamed() {
        String text = file("a.ts", "+x\n");
        String png = "diff --git a/logo.png b/logo.png\nindex 1..2\nBinary files a/logo.png and b/logo.png differ\n";
        String patch = "diff --git a/font.woff b/font.woff\nGIT binary patch\nliteral 12\nabc\n";

        DiffCut.Cut cut = DiffCut.cut(png + text + patch, 10_000);

        assertThat(cut.diff()).isEqualTo(text);
        assertThat(cut.binary()).containsExactly("logo.png", "font.woff");
        assertThat(cut.note()).isEqualTo("2 binary files were left out: logo.png, font.woff.");
    }

    @Test
    void theLimitIsInUtf8BytesAndTheNoteNamesAtMostFiftyFiles() {
        String wide = file("emoji.ts", "+" + "😀".repeat(100) + "\n");   // 400 bytes of emoji
        assertThat(DiffCut.cut(wide, wide.length()).diff()).as("UTF-16 length is not the limit").isEmpty();
        assertThat(DiffCut.cut(wide, wide.getBytes(StandardCharsets.UTF_8).length).diff()).isEqualTo(wide);

        String many = IntStream.range(0, 3_000).mapToObj(i -> file("f" + i + ".ts", "+" + i + "\n")).collect(Collectors.joining());
        DiffCut.Cut cut = DiffCut.cut(many, 10);
        assertThat(cut.leftOut()).hasSize(3_000);
        assertThat(cut.note()).endsWith("and 2950 more.").hasSizeLessThan(2_000);
    }

    @Test
    void aFiftyMegabyteDiffIsCutToNothingButTheNote() {
        String body = ("+" + "x".repeat(99) + "\n").repeat(5_000);   // 500 KB a file
        String huge = IntStream.range(0, 100).mapToObj(i -> file("big" + i + ".ts", body)).collect(Collectors.joining());

        DiffCut.Cut cut = DiffCut.cut(huge, 200 * 1024);

        assertThat(huge.length()).isGreaterThan(50_000_000);
        assertThat(cut.diff()).isEmpty();   // no single file fits in 200 KB
        assertThat(cut.leftOut()).hasSize(100);
    }
}
