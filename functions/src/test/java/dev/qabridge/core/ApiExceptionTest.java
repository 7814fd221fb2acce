package dev.qabridge.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ApiExceptionTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 429, 500, 502, 503, 504})
    void noAnswerRateLimitAndServerErrorsMayPass(int status) {
        assertThat(new ApiException("QA.tech", status, "").isTransient()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 402, 403, 404, 422})
    void otherClientErrorsAreFinal(int status) {
        assertThat(new ApiException("QA.tech", status, "").isTransient()).isFalse();
    }

    @Test
    void messageNamesServiceStatusAndDetail() {
        assertThat(new ApiException("GitHub", 422, "Body is too long")).hasMessage("GitHub answered 422: Body is too long");
        assertThat(new ApiException("QA.tech", 0, null)).hasMessage("QA.tech answered nothing")
                .extracting(ApiException::detail).isEqualTo("");
    }

    @org.junit.jupiter.api.Test
    void aStateMachineTaskRetriesOnlyWhatMayPass() {
        assertThat(new ApiException("QA.tech", 503, "busy").forStateMachine()).isInstanceOf(TransientApiError.class)
                .hasMessageContaining("503").hasCauseInstanceOf(ApiException.class);
        ApiException notFound = new ApiException("QA.tech", 404, "gone");
        assertThat(notFound.forStateMachine()).isSameAs(notFound);
    }
}
