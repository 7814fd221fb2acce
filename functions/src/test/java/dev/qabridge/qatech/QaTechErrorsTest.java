package dev.qabridge.qatech;

import dev.qabridge.core.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class QaTechErrorsTest {

    private static String explain(int status, String detail) {
        return QaTechErrors.explain(new ApiException("QA.tech", status, detail));
    }

    @Test
    void unreachableSaysSoWithTheCauseAndToRetry() {
        assertThat(explain(0, "connect timed out"))
                .isEqualTo("QA.tech could not be reached (connect timed out). Try again in a few minutes.");
    }

    @Test
    void badKeyNamesTheSecretToFix() {
        assertThat(explain(401, "invalid token"))
                .startsWith("QA.tech rejected the API key (401).")
                .contains("QA.tech said: “invalid token”.")
                .contains("QATECH_API_KEY", "Organization Settings → API Keys");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            400 | rejected the request as invalid (400)          | QATECH_APPLICATION_ID
            400 | rejected the request as invalid (400)          | QATECH_PROJECT_ID
            402 | usage limit is reached (402)                   | limit
            403 | refused access (403)                           | organization is suspended
            404 | did not find the project, application or conversation (404) | QATECH_PROJECT_ID
            404 | did not find the project, application or conversation (404) | QATECH_APPLICATION_ID
            429 | is limiting requests (429)                     | Try again in a few minutes
            500 | is having trouble (500)                        | Try again in a few minutes
            503 | is having trouble (503)                        | Try again in a few minutes
            """)
    void explainsEachDocumentedStatusAndWhatToDo(int status, String what, String remedy) {
        assertThat(explain(status, "")).startsWith("QA.tech").contains(what, remedy);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 402, 403, 404, 429, 500, 418})
    void quotesQaTechsOwnMessage(int status) {
        assertThat(explain(status, "project proj_x is archived")).contains("QA.tech said: “project proj_x is archived”.");
    }

    @Test
    void leavesOutAnEmptyQuote() {
        assertThat(explain(403, "")).doesNotContain("QA.tech said");
    }

    @Test
    void unlistedClientErrorStillGivesTheStatus() {
        assertThat(explain(418, "")).isEqualTo("QA.tech refused the request (418).");
    }
}
