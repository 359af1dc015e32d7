package dev.osc.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;

/**
 * Gives tests the shared {@link TestServer}: declare a parameter of that type in a constructor,
 * a {@code @BeforeAll}/{@code @BeforeEach} method or a test method of a class annotated with
 * {@code @ExtendWith(TestServerExtension.class)}.
 *
 * <p>One server serves the whole test JVM: it starts on first use and stops when JUnit closes the
 * root store at the end of the run. Where a Docker image is asked for and there is no Docker, the
 * tests are skipped with the reason, not failed.
 */
public final class TestServerExtension implements ParameterResolver, ExecutionCondition {
    private static final String KEY = TestServerExtension.class.getName();

    /** The server for this run, starting it if this is the first use. */
    public static TestServer server(ExtensionContext context) {
        return context.getRoot().getStore(Namespace.GLOBAL)
                .computeIfAbsent(KEY, key -> new Slot(), Slot.class)
                .server();
    }

    /*
     * A condition rather than an assumption inside parameter resolution: JUnit reports any exception
     * thrown while resolving a parameter, even an aborted assumption, as a failure.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return TestServerLauncher.dockerUnavailableReason()
                .map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("a test server is available"));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    /**
     * Holds the outcome of the one start attempt, failure included, so that when the server cannot
     * start every test fails at once with the same message instead of trying again.
     */
    private static final class Slot implements AutoCloseable {
        private final TestServerLauncher.Launched launched;
        private final RuntimeException failure;

        Slot() {
            TestServerLauncher.Launched l = null;
            RuntimeException f = null;
            try {
                l = TestServerLauncher.launch();
            } catch (RuntimeException e) {
                f = e;
            }
            launched = l;
            failure = f;
        }

        TestServer server() {
            if (failure != null) {
                throw failure;
            }
            return launched.server();
        }

        @Override
        public void close() throws IOException {
            if (launched != null) {
                launched.close();
            }
        }
    }
}
