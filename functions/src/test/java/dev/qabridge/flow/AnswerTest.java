package dev.qabridge.flow;

import dev.qabridge.core.Inbound;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The CommandsIgnored metric's Reason stays a small fixed vocabulary, whatever the parser's sentence says. */
class AnswerTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            comment edited: only new comments are commands                          | edited
            note update: only new notes are commands                                | edited
            comment by a bot (renovate[bot])                                        | bot
            note by a bot (project_7_bot)                                           | bot
            comment by the bridge's own account (qa-bridge-test[bot])               | own
            comment written by qa-bridge                                            | own
            note written by qa-bridge                                               | own
            comment on an issue, not a pull request                                 | event
            event 'push' is not one qa-bridge acts on                               | event
            deployment status failure: only successful deployments are tested       | event
            pull request closed: only new commits (synchronize) matter to qa-bridge | event
            """)
    void theParsersReasonsFallIntoTheVocabulary(String reason, String category) {
        assertThat(Answer.category(new Inbound.Ignored(reason))).isEqualTo(category);
    }
}
