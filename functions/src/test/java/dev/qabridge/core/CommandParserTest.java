package dev.qabridge.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CommandParserTest {
    private final CommandParser parser = new CommandParser("/qa");

    private Command.Run run(String comment) {
        Optional<Command> parsed = parser.parse(comment);
        assertThat(parsed).get().isInstanceOf(Command.Run.class);
        return (Command.Run) parsed.orElseThrow();
    }

    @Test
    void runsTheAgentWithTheTextAfterTheCommandWord() {
        assertThat(run("/qa check the cart")).isEqualTo(new Command.Run("check the cart", Optional.empty()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/qa", "  /qa  ", "/qa help", "/qa HELP", "/qa Help", "/qa   hElP  "})
    void bareCommandOrHelpInAnyCaseAsksForHelp(String comment) {
        assertThat(parser.parse(comment)).contains(new Command.Help());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/qatech x",                  // the word must end at a space
            "/qa-check x",
            "x /qa y",                    // not at the start
            "please run\n/qa check it",   // only the first line counts
            "",
            "   ",
    })
    void ignoresCommentsThatAreNotACommand(String comment) {
        assertThat(parser.parse(comment)).isEmpty();
    }

    @Test
    void ignoresAMissingComment() {
        assertThat(parser.parse(null)).isEmpty();
    }

    @Test
    void extractsUrlGivenWithASpaceAndRemovesItFromTheInstructions() {
        assertThat(run("/qa check the cart --url https://x.y/z"))
                .isEqualTo(new Command.Run("check the cart", Optional.of("https://x.y/z")));
    }

    @Test
    void extractsUrlGivenWithAnEqualsSign() {
        assertThat(run("/qa check the cart --url=https://pr-7.preview.example.com/shop?x=1"))
                .isEqualTo(new Command.Run("check the cart", Optional.of("https://pr-7.preview.example.com/shop?x=1")));
    }

    @Test
    void extractsUrlGivenBeforeTheInstructions() {
        Command.Run r = run("/qa --url https://x.y/z check the cart");
        assertThat(r.url()).contains("https://x.y/z");
        assertThat(r.instructions()).isEqualTo("check the cart");
    }

    @Test
    void extractsUrlGivenInTheMiddleOfTheInstructions() {
        Command.Run r = run("/qa check --url https://x.y/z the cart");
        assertThat(r.url()).contains("https://x.y/z");
        assertThat(r.instructions()).doesNotContain("--url", "x.y").isEqualToNormalizingWhitespace("check the cart");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/qa check --url ftp://x.y/z",
            "/qa check --url javascript:alert(1)",
            "/qa check --url=file:///etc/passwd",
            "/qa check --url x.y/z",
    })
    void rejectsUrlThatIsNotHttp(String comment) {
        assertThat(parser.parse(comment)).get().isInstanceOfSatisfying(Command.Invalid.class,
                invalid -> assertThat(invalid.problem()).contains("--url").contains("not an http(s) URL"));
    }

    @Test
    void keepsLaterLinesAsInstructions() {
        assertThat(run("/qa check the cart\nthen open checkout\n\n- pay with a test card"))
                .isEqualTo(new Command.Run("check the cart\nthen open checkout\n\n- pay with a test card", Optional.empty()));
    }

    @Test
    void takesInstructionsFromLaterLinesWhenTheFirstHasOnlyTheCommand() {
        assertThat(run("/qa\ncheck the cart")).isEqualTo(new Command.Run("check the cart", Optional.empty()));
    }

    @Test
    void handlesWindowsLineEndingsAsGitHubSendsThem() {
        Command.Run r = run("/qa check the cart\r\nthen checkout");
        assertThat(r.instructions()).startsWith("check the cart").contains("then checkout");
        assertThat(r.instructions().lines()).first().isEqualTo("check the cart");
    }

    @Test
    void findsUrlOnALaterLine() {
        Command.Run r = run("/qa check the cart\nthen checkout\n--url https://x.y/z");
        assertThat(r).isEqualTo(new Command.Run("check the cart\nthen checkout", Optional.of("https://x.y/z")));
    }

    @Test
    void usesAConfiguredCommandWord() {
        CommandParser custom = new CommandParser("/test");
        assertThat(custom.parse("/test check the cart")).contains(new Command.Run("check the cart", Optional.empty()));
        assertThat(custom.parse("/test help")).contains(new Command.Help());
        assertThat(custom.parse("/qa check the cart")).isEmpty();
        assertThat(custom.parse("/testing check")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://x.y/z",
            "http://localhost:3000/cart?x=1#top",
            "HTTPS://EXAMPLE.COM",
            "https://pr-12.preview.example.com:8443/",
    })
    void acceptsAbsoluteHttpUrlsWithAHost(String url) {
        assertThat(CommandParser.isHttpUrl(url)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "ftp://x.y/z",
            "https://user@pr-12.preview.example.com:8443/",
            "https://user:pass@pr-12.preview.example.com/",
            "https://preview.example.com@evil.example/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "mailto:qa@example.com",
            "https://",
            "https:///path",
            "//x.y/z",
            "x.y/z",
            "http://exa mple.com",
    })
    void rejectsEverythingElseAsAUrl(String url) {
        assertThat(CommandParser.isHttpUrl(url)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/qa check the cart --url https://pr-7.example.dev.",
            "/qa check the cart (--url https://pr-7.example.dev)",
            "/qa check the cart --url <https://pr-7.example.dev>",
    })
    void takesTheUrlWithoutTheProseAroundIt(String comment) {
        assertThat(run(comment).url()).contains("https://pr-7.example.dev");
    }

    @Test
    void removingTheUrlFlagLeavesOneSpace() {
        assertThat(run("/qa check --url https://x.y/z the cart").instructions()).isEqualTo("check the cart");
    }

    @Test
    void acceptsPreviewHostsWithAnUnderscore() {
        assertThat(CommandParser.isHttpUrl("https://my_app.preview.example.com/cart")).isTrue();
    }

    @Test
    void aCommandWithOnlyAUrlAsksForAGeneralCheck() {
        assertThat(run("/qa --url https://x.y/z")).isEqualTo(new Command.Run(CommandParser.DEFAULT_INSTRUCTIONS, Optional.of("https://x.y/z")));
    }

    @Test
    void refusesAUrlWithUserInfoWithoutEchoingIt() {
        Command c = new CommandParser("/qa").parse("/qa check it --url https://preview.example.com@evil.example/").orElseThrow();
        assertThat(c).isInstanceOf(Command.Invalid.class);
        assertThat(((Command.Invalid) c).problem()).contains("user name or password").doesNotContain("evil.example");
    }

    @Test
    void refusesInstructionsLongerThanTheCapSayingHowLong() {
        Command c = new CommandParser("/qa").parse("/qa " + "x".repeat(CommandParser.MAX_INSTRUCTIONS + 1)).orElseThrow();
        assertThat(c).isInstanceOf(Command.Invalid.class);
        assertThat(((Command.Invalid) c).problem()).contains("8,001 characters", "the limit is 8,000");
        assertThat(new CommandParser("/qa").parse("/qa " + "x".repeat(CommandParser.MAX_INSTRUCTIONS))).get().isInstanceOf(Command.Run.class);
    }
}
