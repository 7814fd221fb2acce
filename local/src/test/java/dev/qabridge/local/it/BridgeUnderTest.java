package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * A running bridge that the shared end-to-end scenarios drive: the moto-backed local stack
 * ({@link StackFixture}) everywhere, LocalStack in Docker ({@link LocalStackIT}) where Docker runs.
 */
interface BridgeUnderTest {

    /** The webhook's answer to one delivery. */
    record Delivered(int status, String body) {}

    Fakes fakes();

    /** Delivers a signed GitHub webhook, as GitHub would. */
    Delivered deliverGitHub(String event, String delivery, ObjectNode payload) throws Exception;

    /** Waits (polling, with a deadline) until the run's execution has ended. */
    DescribeExecutionResponse awaitEnd(String runId);
}
