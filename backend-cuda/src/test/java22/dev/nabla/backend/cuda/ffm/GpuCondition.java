package dev.nabla.backend.cuda.ffm;

import dev.nabla.spi.Availability;
import dev.nabla.spi.Backends;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Disables a test class, with the provider's reason, where the `cuda` backend cannot run; so test
 * reports show the class as skipped and why (an assumption in @BeforeAll leaves no trace in them).
 */
public final class GpuCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Availability a = Backends.installed().provider("cuda").availability();
        return a.isAvailable() ? ConditionEvaluationResult.enabled("a usable GPU")
                : ConditionEvaluationResult.disabled("no usable GPU: " + a.reason());
    }

    /** Also needs cuBLAS. */
    public static final class WithCublas implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            ConditionEvaluationResult gpu = new GpuCondition().evaluateExecutionCondition(context);
            if (gpu.isDisabled()) {
                return gpu;
            }
            String cublas = Cublas.probe();
            return cublas.startsWith("no cuBLAS") ? ConditionEvaluationResult.disabled(cublas)
                    : ConditionEvaluationResult.enabled(cublas);
        }
    }
}
