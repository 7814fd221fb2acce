package dev.qabridge.local.stack;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class LambdaRouterTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "/2015-03-31/functions/PollerFunction/invocations",
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3APollerFunction/invocations",
            "/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:PollerFunction:live/invocations",
            "/2015-03-31/functions/PollerFunction%3A%24LATEST/invocations",
    })
    void findsTheFunctionNameInEveryFormStepFunctionsUses(String path) {
        assertThat(LambdaRouter.functionName(path)).isEqualTo("PollerFunction");
    }
}
