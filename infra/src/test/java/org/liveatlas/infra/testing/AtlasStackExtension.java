package org.liveatlas.infra.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests the real embedded stack (Kafka in KRaft mode, S3Proxy, OpenSearch
 * with k-NN), started once per test JVM. Each test class gets a {@link TestStack} parameter with
 * names unique to it.
 *
 * <pre>{@code
 * @ExtendWith(AtlasStackExtension.class)
 * class DepositIT {
 *     @Test void emitsOneEvent(TestStack stack) { ... }
 * }
 * }</pre>
 */
public final class AtlasStackExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(AtlasStackExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        stackFor(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        TestStack s = context.getStore(NS).remove(TestStack.class, TestStack.class);
        if (s != null) {
            s.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return stackFor(extensionContext);
    }

    private static TestStack stackFor(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent()
                && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        String className = classContext.getRequiredTestClass().getName();
        return classContext
                .getStore(NS)
                .getOrComputeIfAbsent(
                        TestStack.class, k -> new TestStack(SharedStack.endpoints(), className), TestStack.class);
    }
}
